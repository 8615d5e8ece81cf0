"""The human-in-the-loop request and decisions (LangChain v1 HITLRequest shape)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from domain.plain_json import PlainJsonModel

ALLOWED_DECISIONS = ["approve", "edit", "reject"]


# Longest feedback or reply a creator can write: it reaches the model's prompt and the state.
MAX_FEEDBACK = 2_000


class EditedAction(BaseModel):
    name: str = Field(max_length=100)
    args: dict[str, Any] = Field(max_length=20)


class Approve(BaseModel):
    type: Literal["approve"]


class Edit(BaseModel):
    type: Literal["edit"]
    edited_action: EditedAction
    confirm: bool = Field(
        False, description="Send an edited message even though the check found problems in it"
    )


class Reject(BaseModel):
    type: Literal["reject"]
    message: str | None = Field(
        None, max_length=MAX_FEEDBACK, description="Feedback; it asks the agent for one redraft"
    )


# The agent-inbox HumanResponse types this service acts on; `respond` (a reply to the
# agent) has no meaning for a draft to a lead, so it is neither offered nor accepted.
ReviewDecision = Annotated[Approve | Edit | Reject, Field(discriminator="type")]


class ReviewResponse(PlainJsonModel):
    """One decision on a draft: approve it, edit it, or reject it (with feedback)."""

    decisions: list[ReviewDecision] = Field(min_length=1, max_length=1)


def action_name(channel: str) -> str:
    return f"send_{channel}"


def hitl_request(action: str, args: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "action_requests": [{"name": action, "args": args, "description": description}],
        "review_configs": [{"action_name": action, "allowed_decisions": ALLOWED_DECISIONS}],
    }
