"""`POST /webhooks/ses`: SES bounces, complaints and deliveries, posted by Amazon SNS.

No API key: the SNS signature proves where a message comes from, and only the topics in
SES_SNS_TOPIC_ARNS are listened to. A refused message changes nothing. Not in the OpenAPI
document: SNS is its only caller.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request

from server.body_limit import capped_body
from server.deps import ServicesDep
from server.ses_notifications import apply_notification
from server.sns_signatures import SnsRefused, parse_message, ses_payload

router = APIRouter(include_in_schema=False)
log = logging.getLogger("creator_agents")

# SNS messages are at most 256 KiB; their JSON envelope escapes some of it.
MAX_SNS_BODY_BYTES = 512 * 1024


@router.post("/webhooks/ses")
async def ses_notification(request: Request, services: ServicesDep) -> dict[str, str]:
    body = await capped_body(request, MAX_SNS_BODY_BYTES)
    try:
        message = parse_message(body)
        announced = request.headers.get("x-amz-sns-message-type")
        if announced is not None and announced != message.type:
            raise SnsRefused(400, "x-amz-sns-message-type and the message's Type differ")
        allowed = services.settings.sns_topic_arns
        if message.topic_arn not in allowed:
            raise SnsRefused(
                403,
                "this topic is not one the service listens to (SES_SNS_TOPIC_ARNS)"
                if allowed
                else "SES_SNS_TOPIC_ARNS is not set: the service listens to no topic",
            )
        await services.sns.verify(message)
        if message.type == "SubscriptionConfirmation":
            await services.sns.confirm(message)
            log.info("SNS subscription to %s confirmed", message.topic_arn)
            return {"status": "confirmed"}
    except SnsRefused as exc:
        raise HTTPException(exc.status, exc.detail) from None
    if message.type == "UnsubscribeConfirmation":
        log.warning("SNS says the subscription to %s ended", message.topic_arn)
        return {"status": "ignored"}
    outcome = await apply_notification(
        services.pool, message.message_id, ses_payload(message), services.unsubscribe.secret
    )
    return {"status": outcome}
