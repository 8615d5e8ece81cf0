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
    "follow_up": "the lead did not answer the last message; this is a single, gentle follow-up",
    "lead_replied": "the lead answered since the last message: no follow-up needed",
    "booking_welcome": "the lead just booked one of the creator's services: welcome them",
    "session_reminder": "the lead's booked session is coming up soon: remind them",
    "session_thank_you": "the lead's session is over: thank them and ask how it went",
    "booking_cancelled": "the booking was cancelled: its messages are withdrawn",
    "already_welcomed": "this booking's welcome was already written",
    "already_reminded": "this booking's reminder was already written",
    "already_thanked": "this booking's thank-you was already written",
    "session_started": "the session has started already: too late for a reminder",
    "auto_reply": "the lead's message was an automatic answer (out of office, autoresponder)",
    CREATOR_TAKEOVER: "the creator wrote to the lead themselves and the agent is paused",
}
