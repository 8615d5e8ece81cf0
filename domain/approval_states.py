"""An approval's statuses, and the answer each one gives the graph waiting on it."""

from __future__ import annotations

from typing import Any, Literal

ApprovalStatus = Literal[
    "pending",
    "approved",
    "edited",
    "rejected",
    "withdrawn",
    "agent_approved",  # the agent approved it; it is sent after the undo window
    "cancelled",  # the creator cancelled the agent's approval within the undo window
    "expired",  # nobody decided within the agent's draft_ttl_hours
    "held",  # approved; waits for the lead's answer to a WhatsApp template opener
]
# A message may go out for these (checked again when the send is claimed).
SENDABLE = ("approved", "edited", "agent_approved", "held")
# The wait ends without a message: the graph is resumed as if the draft were rejected
# without feedback, so the thread is free for the next event. ('withdrawn' outside the graph:
# the lead unsubscribed or complained while the draft waited.)
CLOSED = ("expired", "cancelled", "withdrawn")


def resume_value(status: str, decision: dict[str, Any] | None) -> dict[str, Any] | None:
    """What to resume the graph with, or None while nobody has decided."""
    if status in CLOSED:
        return {"decisions": [{"type": "reject"}]}
    return decision
