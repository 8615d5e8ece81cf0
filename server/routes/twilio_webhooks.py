"""Twilio's webhooks: `POST /webhooks/twilio/whatsapp` (a lead's WhatsApp message) and
`POST /webhooks/twilio/status` (status callbacks on the messages the service sent).

No API key: Twilio signs each request with the account's auth token (X-Twilio-Signature
over PUBLIC_BASE_URL + the path and the form), and an unsigned or wrongly signed one changes
nothing (403). Only database writes happen here, so Twilio gets its answer well inside its
15 s; drafting a reply happens in the queue. Not in the OpenAPI document: Twilio is the only
caller.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from domain.twilio_forms import FormRefused, inbound_message, parse_form, status_report
from server.body_limit import capped_body
from server.deps import ServicesDep
from server.twilio_inbound import take_inbound
from server.twilio_signature import (
    INBOUND_PATH,
    SIGNATURE_HEADER,
    STATUS_PATH,
    SignatureRefused,
    check_signature,
)
from server.twilio_statuses import apply_status

router = APIRouter(include_in_schema=False)

# Twilio's forms are a few KiB (a 1,600-character body and media URLs at most).
MAX_TWILIO_BODY_BYTES = 64 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
# An empty answer: nothing is sent back to the lead from here.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def twiml() -> Response:
    return Response(EMPTY_TWIML, media_type="text/xml")


async def signed_form(request: Request, services: ServicesDep, path: str) -> list[tuple[str, str]]:
    """The posted form, once its signature is Twilio's; else a 4xx saying what is wrong."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise HTTPException(415, f"Twilio webhooks are posted as {FORM_TYPE}")
    body = await capped_body(request, MAX_TWILIO_BODY_BYTES)
    try:
        pairs = parse_form(body)
        check_signature(services.settings, path, pairs, request.headers.get(SIGNATURE_HEADER))
    except FormRefused as exc:
        raise HTTPException(400, str(exc)) from None
    except SignatureRefused as exc:
        raise HTTPException(403, exc.detail) from None
    return pairs


@router.post(INBOUND_PATH)
async def twilio_inbound_message(request: Request, services: ServicesDep) -> Response:
    pairs = await signed_form(request, services, INBOUND_PATH)
    try:
        message = inbound_message(pairs)
    except FormRefused as exc:
        raise HTTPException(400, str(exc)) from None
    sender = services.settings.twilio_whatsapp_from
    await take_inbound(
        services.pool, services.jobs, sender.removeprefix("whatsapp:") if sender else None, message
    )
    return twiml()


@router.post(STATUS_PATH)
async def twilio_status_callback(request: Request, services: ServicesDep) -> Response:
    pairs = await signed_form(request, services, STATUS_PATH)
    try:
        report = status_report(pairs)
    except FormRefused as exc:
        raise HTTPException(400, str(exc)) from None
    await apply_status(services.pool, report)
    return twiml()
