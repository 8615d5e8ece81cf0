"""Check a text as a creator would send it, against their latest approved profile: the
inbox calls this while the creator types; prompt authors use it too."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import ConfigDict, Field

from domain.human_check import check_rendered_text
from domain.plain_json import PlainJsonModel
from server.auth import CallerDep
from server.deps import ServicesDep
from server.store import creator_profiles, creator_records

router = APIRouter(tags=["checks"])

# Over a channel's length is a finding, not a refusal; beyond these the text is refused.
MAX_CHECKED_BODY = 20_000
MAX_CHECKED_SUBJECT = 1_000


class CheckIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    channel: Literal["whatsapp", "email"]
    subject: str | None = Field(None, max_length=MAX_CHECKED_SUBJECT)
    body: str = Field(max_length=MAX_CHECKED_BODY)


@router.post("/creators/{creator_id}/check")
async def check_text(
    creator_id: str, body: CheckIn, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """The findings for a message as the creator would send it: `{"passed", "problems":
    [{"rule", "text", "detail"}]}`, checked against their latest approved profile."""
    caller.write(creator_id)  # checked as the creator would send it: their action
    async with services.pool.connection() as conn:
        if await creator_records.get_creator(conn, caller.scope, creator_id) is None:
            raise HTTPException(404, f"creator {creator_id!r} not found")
        profile = await creator_profiles.latest_profile(conn, creator_id)
    if profile is None:
        raise HTTPException(
            409, "the creator has no approved profile yet; approve the onboarding review first"
        )
    # Linear, but up to MAX_CHECKED_BODY characters against up to 200 services: off the loop.
    problems = await asyncio.to_thread(
        check_rendered_text, body.body, profile["profile"], body.channel, body.subject
    )
    return {"passed": not problems, "problems": problems}
