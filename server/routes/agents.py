from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from domain.auto_approval import ApprovalMode
from domain.plain_json import PlainJsonModel
from server.agent_changes import change_agent
from server.auth import CallerDep
from server.deps import ServicesDep
from server.listing import CursorQuery, LimitQuery
from server.responses.agent_out import AgentList, AgentOut
from server.responses.error_body import error_responses
from server.schemas import EventType
from server.store import agent_settings

router = APIRouter(tags=["agents"])

ShortText = Annotated[str, Field(max_length=200)]
HH_MM = r"^([01]\d|2[0-3]):[0-5]\d$"
TemplateFact = Literal["lead_first_name", "lead_name", "creator_name"]
# A month: a draft older than that is stale for any lead.
MAX_DRAFT_TTL_HOURS = 720
MAX_TAKEOVER_HOURS = 720
MAX_POSTAL_ADDRESS = 500
CHANGE_ERRORS = (401, 403, 404, 422)


class Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_type: EventType
    filter: dict[ShortText, ShortText | int | bool] | None = Field(
        None,
        max_length=10,
        description='Payload values the event must have, e.g. {"service_id": 103}',
    )


class AgentUpdate(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    approval_mode: ApprovalMode | None = Field(
        None,
        description="manual: every draft waits for the creator; semi_auto: the agent approves "
        "a model's draft that passed every check with a confidence of at least "
        "approval_threshold (template drafts, drafts with findings, first messages and replies "
        "to a lead's message wait); auto: the agent approves every draft that passed every "
        "check (template drafts and drafts with findings wait). The agent's approvals are sent "
        "after an undo window (AUTO_SEND_DELAY_S) in which the creator can cancel them.",
    )
    approval_threshold: float | None = Field(
        None, ge=0, le=1, description="semi_auto: the least model confidence the agent approves"
    )
    draft_ttl_hours: int | None = Field(
        None, ge=1, le=MAX_DRAFT_TTL_HOURS, description="A draft nobody decides on expires then"
    )
    takeover_hours: int | None = Field(
        None,
        ge=1,
        le=MAX_TAKEOVER_HOURS,
        description="Hours the agent keeps quiet on a thread after the creator's own message "
        "to the lead (default 48)",
    )
    triggers: list[Trigger] | None = Field(None, max_length=50)
    quiet_hours_start: str | None = Field(
        None,
        pattern=HH_MM,
        description="No message from this local time of the lead's, HH:MM (default 21:00)",
    )
    quiet_hours_end: str | None = Field(
        None,
        pattern=HH_MM,
        description="...until this one (default 08:00); a send due between waits for it. "
        "Equal start and end: no quiet hours",
    )
    max_per_lead_per_day: int | None = Field(
        None, ge=0, le=1000, description="Sales messages to one lead in 24 hours (default 1)"
    )
    max_per_lead_per_week: int | None = Field(
        None, ge=0, le=10_000, description="Sales messages to one lead in 7 days (default 2)"
    )
    max_per_creator_per_day: int | None = Field(
        None, ge=0, le=1_000_000, description="Sales messages to all leads in 24 hours"
    )
    whatsapp_template_sid: str | None = Field(
        None,
        pattern=r"^HX[0-9a-fA-F]{32}$",
        description="The creator's approved WhatsApp template (Twilio content SID), sent as "
        "the opener outside the 24-hour window; the approved draft follows the lead's answer",
    )
    whatsapp_template_variables: dict[Annotated[str, Field(max_length=20)], TemplateFact] | None = (
        Field(
            None,
            max_length=10,
            description='Which fact fills each template variable, e.g. {"1": "lead_first_name", '
            '"2": "creator_name"} (the default)',
        )
    )
    reminder_hours_before: int | None = Field(
        None, ge=1, le=720, description="A booked session's reminder goes this long before it"
    )
    follow_up_after_hours: int | None = Field(
        None, ge=1, le=2160, description="A sales message nobody answered is followed up then"
    )
    max_follow_ups: int | None = Field(
        None, ge=0, le=5, description="Follow-ups in a row at most (0: none)"
    )
    postal_address: str | None = Field(
        None,
        max_length=MAX_POSTAL_ADDRESS,
        description="The creator's postal address, on the line under every email to a lead "
        '(lines apart by a line break); "" clears it: SENDER_POSTAL_ADDRESS is used then',
    )


def postal_address(text: str) -> str | None:
    """Plain lines (no control or format characters), stripped; nothing left clears it."""
    lines = [
        " ".join("".join(c for c in line if c.isprintable()).split()) for line in text.splitlines()
    ]
    return "\n".join(line for line in lines if line) or None


def _not_found(agent_id: str) -> HTTPException:
    return HTTPException(404, f"agent {agent_id!r} not found")


@router.get("/agents", response_model=AgentList, responses=error_responses(401, 404, 422))
async def list_agents(
    services: ServicesDep,
    caller: CallerDep,
    cursor: CursorQuery,
    creator_id: str | None = Query(None, description="Whose agent; a creator key lists its own"),
    limit: LimitQuery = 100,
) -> dict[str, Any]:
    creator = caller.listing(creator_id)
    async with services.pool.connection() as conn:
        page = await agent_settings.list_agents(conn, caller.scope, creator, cursor, limit)
    return {"agents": page.rows, "next_cursor": page.next_cursor}


@router.get("/agents/{agent_id}", response_model=AgentOut, responses=error_responses(401, 404, 422))
async def get_agent(agent_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    async with services.pool.connection() as conn:
        agent = await agent_settings.get_agent(conn, caller.scope, agent_id)
    if agent is None:
        raise _not_found(agent_id)
    return agent


@router.post(
    "/agents/{agent_id}/enable", response_model=AgentOut, responses=error_responses(*CHANGE_ERRORS)
)
async def enable(agent_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    return await change_agent(services, caller, agent_id, enabled=True)


@router.post(
    "/agents/{agent_id}/disable", response_model=AgentOut, responses=error_responses(*CHANGE_ERRORS)
)
async def disable(agent_id: str, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """A disabled agent keeps reading events (context stays current) but never drafts."""
    return await change_agent(services, caller, agent_id, enabled=False)


@router.patch(
    "/agents/{agent_id}", response_model=AgentOut, responses=error_responses(*CHANGE_ERRORS, 413)
)
async def update(
    agent_id: str, body: AgentUpdate, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    # JSON values (times as "21:00:00"): the audit entry stores them as they are.
    changes = body.model_dump(mode="json", exclude_none=True)
    if not changes:
        raise HTTPException(
            422,
            "nothing to change: send one of " + ", ".join(sorted(AgentUpdate.model_fields)),
        )
    if "postal_address" in changes:
        changes["postal_address"] = postal_address(changes["postal_address"])
    return await change_agent(services, caller, agent_id, **changes)
