"""Drafters: the LLM one (any OpenAI-compatible model) and the deterministic template one."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Protocol

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from domain.booking_template import booking_template_draft
from domain.compliance import SERVICE_REASONS
from domain.profile_writing import WRITING_FIELDS
from domain.reasons import REASON_TEXT
from domain.sanitize import clean_text
from domain.slots import open_services
from domain.template_draft import template_draft
from graphs.state import Channel, ConsumerFacts, Decision, Draft
from prompts import load_prompt
from tools.llm import ModelFailed, ask_structured

log = logging.getLogger(__name__)

# The prompt file of a booking's welcome, reminder and thank-you (prompts/customer_message.md).
BOOKING_PROMPT = "customer_message"

CHANNEL_RULES = {
    "whatsapp": "plain text, no subject, at most 600 characters, no markdown.",
    "email": "a subject of at most 80 characters and a plain-text body of at most 1200 characters.",
}


@dataclass
class DraftRequest:
    profile: dict[str, Any]
    consumer: ConsumerFacts
    decision: Decision
    channel: Channel
    today: date  # the event's day: services that started before it are closed
    feedback: str | None = None
    inbound_text: str | None = None
    # A reply's thread so far, oldest first: {author, channel, subject, text} turns
    # (server.store.conversation_history). The template drafter does not use it.
    conversation: list[dict[str, Any]] = field(default_factory=list)
    # A booking's message (customer onboarding): the booking's facts, and whether it has a
    # session time ({{booking_time}} renders only then).
    booking: dict[str, Any] | None = None

    @property
    def about_booking(self) -> bool:
        return self.decision.get("reason") in SERVICE_REASONS


class Drafter(Protocol):
    """Writes a message with placeholders for every fact (domain.slots); the graph renders
    and checks it (domain.draft_check)."""

    # Can it rewrite a draft from the creator's feedback? A model can; a template cannot.
    revises_with_feedback: bool

    async def draft(self, request: DraftRequest) -> Draft: ...


class TemplateDrafter:
    """Writes the draft from profile facts only; never fails."""

    revises_with_feedback = False

    async def draft(self, request: DraftRequest, fallback_reason: str | None = None) -> Draft:
        if request.about_booking:
            return booking_template_draft(
                request.profile,
                request.decision,
                request.channel,
                timed=bool((request.booking or {}).get("starts_at")),
                fallback_reason=fallback_reason,
            )
        return template_draft(
            request.profile,
            request.decision,
            request.channel,
            request.today,
            fallback_reason=fallback_reason,
        )


class DraftOutput(BaseModel):
    """What the model must answer: one message with placeholders for every fact."""

    channel: Literal["whatsapp", "email"]
    subject: str | None = Field(description="Email subject with placeholders; null for WhatsApp")
    body: str = Field(description="The message text, every fact as a {{placeholder}}")
    service_ids: list[int] = Field(description="Ids of the services the message mentions")
    confidence: float = Field(description="0 to 1: how likely the creator sends it unchanged")
    reasoning: str = Field(description="One sentence for the creator on why this message")


def fenced_json(data: Any) -> str:
    """JSON with '<' escaped, so creator text cannot close the fence it sits in."""
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")


# What the drafting prompt shows of each open service: what it is, never a fact to copy (no
# price, link, date or count: the model places slots for those) and never the creator's own
# description.
SERVICE_PROMPT_FIELDS = ("id", "title", "type", "duration_minutes")
# The creator-approved writing the model may draw its tone and angle from; social proof is
# left out (a rating or a count is a fact: {{rating}}).
PROMPT_WRITING_FIELDS = tuple(f for f in WRITING_FIELDS if f != "social_proof")


def services_for_prompt(services: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **{key: s.get(key) for key in SERVICE_PROMPT_FIELDS},
            "placeholders": [f"{{{{{kind}:{s['id']}}}}}" for kind in _service_slots(s)],
        }
        for s in services
    ]


def _service_slots(service: dict[str, Any]) -> list[str]:
    kinds = ["title", "price", "link"]
    if (service.get("schedule") or {}).get("starts_on"):
        kinds.append("schedule")
    if service.get("seats_left") is not None:
        kinds.append("seats_left")
    return kinds


def _as_placeholders(value: Any, facts: list[tuple[str, str]]) -> Any:
    """The approved writing with every price and link it quotes shown as its placeholder, so
    the prompt holds no fact for the model to copy."""
    if isinstance(value, str):
        for fact, placeholder in facts:
            value = value.replace(fact, placeholder)
        return value
    if isinstance(value, list):
        return [_as_placeholders(v, facts) for v in value]
    if isinstance(value, dict):
        return {k: _as_placeholders(v, facts) for k, v in value.items()}
    return value


def _fact_placeholders(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """Each price and link of the profile with the placeholder that renders it."""
    services = profile.get("services", [])
    # Longest first, so '₹24,999' is replaced before a shorter price inside it could be.
    return sorted(
        [(s["booking_url"], f"{{{{link:{s['id']}}}}}") for s in services]
        + [(s["price_text"], f"{{{{price:{s['id']}}}}}") for s in services]
        + ([(profile["profile_url"], "{{profile_link}}")] if profile.get("profile_url") else []),
        key=lambda pair: -len(pair[0]),
    )


def _profile_for_prompt(profile: dict[str, Any], today: date) -> dict[str, Any]:
    facts = _fact_placeholders(profile)
    writing = {key: profile.get(key) for key in PROMPT_WRITING_FIELDS}
    return {
        "expertise": profile.get("expertise"),
        "languages": profile.get("languages"),
        **_as_placeholders(writing, facts),
        "open_services": services_for_prompt(list(open_services(profile, today).values())),
    }


# Each earlier message of a reply's thread is shown up to this many characters.
TURN_PROMPT_CHARS = 600


def _turn_text(text: str, facts: list[tuple[str, str]]) -> str:
    """As a reader sees it, facts as placeholders (before cutting, so no link is cut in
    half and left unmasked), then cut."""
    text = _as_placeholders(clean_text(text), facts).strip()
    return text if len(text) <= TURN_PROMPT_CHARS else text[: TURN_PROMPT_CHARS - 1] + "…"


def conversation_for_prompt(
    conversation: list[dict[str, Any]], profile: dict[str, Any]
) -> list[dict[str, Any]]:
    """The thread's earlier messages as data: who wrote each (the lead, or the creator's side),
    as a reader sees it, shortened, with the prices and links we sent shown as their
    placeholders (the model never copies a fact, even its own)."""
    facts = _fact_placeholders(profile)
    turns = []
    for turn in conversation:
        shown = {"from": turn["author"], "channel": turn.get("channel")}
        if turn.get("subject"):
            shown["subject"] = _turn_text(turn["subject"], facts)
        shown["text"] = _turn_text(turn.get("text") or "", facts)
        turns.append(shown)
    return turns


def _conversation_block(request: DraftRequest) -> str:
    if not request.conversation:
        return ""
    turns = conversation_for_prompt(request.conversation, request.profile)
    return (
        "\nThe conversation so far on this thread, oldest first, before the lead's message "
        "(`creator`: what the creator's side sent; `lead`: what the lead wrote):\n"
        f"<conversation>\n{fenced_json(turns)}\n</conversation>\n"
    )


class LLMDrafter:
    """Drafts with a chat model and structured output; falls back to the template drafter."""

    revises_with_feedback = True

    def __init__(self, model: BaseChatModel, timeout_s: float, prompt_name: str = "draft_message"):
        self._model = model.with_structured_output(DraftOutput)
        self._timeout_s = timeout_s
        self._prompt_name = prompt_name
        self._fallback = TemplateDrafter()

    def _prompt_name_for(self, request: DraftRequest) -> str:
        """A booking's messages have their own prompt file; everything else the sales one."""
        return BOOKING_PROMPT if request.about_booking else self._prompt_name

    def _render(self, request: DraftRequest) -> tuple[str, str]:
        prompt = load_prompt(self._prompt_name_for(request))
        feedback = (
            f"\nThe previous draft was not accepted. Fix this: {request.feedback}\n"
            if request.feedback
            else ""
        )
        lead = {
            "interested_in_service_id": request.decision.get("service_id"),
            "their_message": clean_text(request.inbound_text) if request.inbound_text else None,
        }
        if request.booking is not None:
            lead = {
                "booked_service_id": request.booking.get("service_id"),
                "booking_status": request.booking.get("status"),
                "session_time_known": bool(request.booking.get("starts_at")),
            }
        text = prompt.render(
            channel=request.channel,
            channel_rules=CHANNEL_RULES[request.channel],
            reason_text=REASON_TEXT.get(request.decision.get("reason", ""), ""),
            feedback_block=feedback,
            creator_data=fenced_json(_profile_for_prompt(request.profile, request.today)),
            conversation_block=_conversation_block(request),
            lead_data=fenced_json(lead),
        )
        return text, prompt.sha256

    async def draft(self, request: DraftRequest) -> Draft:
        # Prompt files are read on every draft (edits apply at once), off the event loop.
        text, prompt_hash = await asyncio.to_thread(self._render, request)
        try:
            output = await ask_structured(self._model, text, DraftOutput, self._timeout_s)
        except ModelFailed as failed:  # the template drafter takes over
            log.warning("model draft failed, using the template drafter (%s)", failed)
            return await self._fallback.draft(request, fallback_reason=str(failed))
        return {
            "channel": output.channel,
            "subject": output.subject if request.channel == "email" else None,
            "body": output.body.strip(),
            "confidence": min(1.0, max(0.0, output.confidence)),
            "service_ids": output.service_ids,
            "reasoning": output.reasoning,
            "source": "llm",
            "fallback_reason": None,
            "prompt_name": self._prompt_name_for(request),
            "prompt_hash": prompt_hash,
        }
