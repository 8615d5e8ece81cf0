from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ConfigDict, Field

from domain.plain_json import PlainJsonModel
from server.auth import CallerDep
from server.deps import ServicesDep
from server.notification_changes import change_notifications, read_notifications
from server.responses.error_body import error_responses
from server.responses.notification_out import NotificationsDetail, NotificationsOut
from server.schemas import Channel

router = APIRouter(tags=["creators"])


class NotificationsIn(PlainJsonModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="false: no digests")
    channel: Channel | None = Field(None, description="Left out: the current one")
    to: str | None = Field(
        None,
        max_length=254,
        description="The creator's email address, or WhatsApp number (E.164); left out: "
        "the current one",
    )


@router.get(
    "/creators/{creator_id}/notifications",
    response_model=NotificationsDetail,
    responses=error_responses(401, 404, 422),
)
async def get_notifications(
    creator_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Where the creator hears that drafts wait, and their latest digests."""
    return await read_notifications(services, caller, creator_id)


@router.put(
    "/creators/{creator_id}/notifications",
    response_model=NotificationsOut,
    responses=error_responses(401, 403, 404, 413, 422),
)
async def put_notifications(
    creator_id: str, body: NotificationsIn, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Digests: when something new waits in the creator's inbox, at most one message per
    NOTIFY_EVERY_MIN minutes to this address, through the same email or WhatsApp transport
    as leads' messages (the outbox when it has no credentials), with a one-time sign-in link."""
    return await change_notifications(
        services, caller, creator_id, body.enabled, body.channel, body.to
    )
