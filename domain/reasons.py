"""What each decision reason means, in words for prompts and for the creator's inbox."""

# The creator wrote to the lead themselves (server.creator_messages): the agent keeps quiet
# on that thread for the agent's takeover_hours, and the drafts waiting there are withdrawn.
CREATOR_TAKEOVER = "creator_takeover"

REASON_TEXT = {
    "new_lead": "the lead viewed the creator's page for the first time",
    "returning_lead": "the lead came back to the creator's page after more than a day",
    "service_interest": "the lead clicked on one of the creator's services",
    "inbound_reply": "the lead sent a message and is waiting for an answer",
    "seen_recently": "the lead was seen less than 24 hours ago",
    "already_enrolled": "the lead already booked this service",
    "opted_out": "the lead asked not to be contacted",
    "unreachable": "there is no channel the lead agreed to be contacted on",
    "nothing_to_offer": "the creator has no service open for booking",
    "pending_approval": "a draft for this lead is already waiting for approval",
    "not_triggered": "no agent is set to act on this kind of event",
    CREATOR_TAKEOVER: "the creator wrote to the lead themselves and the agent is paused",
}
