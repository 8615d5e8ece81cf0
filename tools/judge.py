"""The judge: what in a draft is not a fact (offers, guarantees, urgency, invented services,
social proof, paying or talking off the platform).

With a model, a second structured-output call sees only the rendered draft and the creator's
facts, never their free text (descriptions, bios, testimonials), and answers a fixed rubric;
the lexicon runs beside it. Without one, the lexicon alone. A model judge that errors, times
out or answers in the wrong shape fails closed: a NOT_JUDGED finding holds the draft.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from domain.findings import (
    GUARANTEE,
    INVENTED_SERVICE,
    NOT_JUDGED,
    OFF_PLATFORM,
    OFFER,
    SOCIAL_PROOF,
    URGENCY,
    Finding,
    finding,
)
from domain.lexicon import DETAILS, lexicon_findings
from domain.normalize import normalize
from prompts import load_prompt
from tools.drafting import fenced_json
from tools.llm import ModelFailed, ask_structured

log = logging.getLogger(__name__)

# What the judge may see of a service, and of its schedule: facts, no creator prose.
JUDGE_SERVICE_FIELDS = ("title", "price_text", "booking_url", "active", "schedule", "seats_left")
JUDGE_SCHEDULE_FIELDS = ("starts_on", "ends_on", "sessions", "weekday", "time", "timezone")

JUDGE_DETAILS = {
    **DETAILS,
    INVENTED_SERVICE: "a service that is not among the creator's active services",
}


class Judge(Protocol):
    # A model reads the text (LLMJudge); without one only the lexicon does.
    uses_model: bool

    async def judge(
        self, text: str, profile: dict[str, Any], *, own_words: str | None = None
    ) -> list[Finding]:
        """Findings for `text` (the draft as it would be sent). `own_words`, when given, is
        what the lexicon reads instead: the model's words with the fact placeholders not yet
        rendered, so a rendered fact (a free service's price "Free") is not read as a claim."""
        ...


class RubricAnswer(BaseModel):
    present: bool = Field(description="Whether the message contains this kind of claim")
    quote: str = Field(description="The shortest words of the message that show it, or empty")


class JudgeVerdict(BaseModel):
    """The fixed rubric; each field is named after the finding's rule class."""

    offer: RubricAnswer = Field(description="An offer, discount, deal, bonus or free claim")
    guarantee: RubricAnswer = Field(description="A guarantee, promised result or money back")
    urgency: RubricAnswer = Field(description="Urgency or scarcity")
    invented_service: RubricAnswer = Field(description="A service not in the facts, or inactive")
    social_proof: RubricAnswer = Field(description="Numbers of clients, fame, awards, reviews")
    off_platform: RubricAnswer = Field(description="Paying or getting in touch off the link")


RUBRIC = (OFFER, GUARANTEE, URGENCY, INVENTED_SERVICE, SOCIAL_PROOF, OFF_PLATFORM)


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def judge_facts(profile: dict[str, Any]) -> dict[str, Any]:
    """The creator's facts as the judge sees them: structured fields only."""
    services = []
    for service in profile.get("services") or []:
        facts = {key: service.get(key) for key in JUDGE_SERVICE_FIELDS}
        schedule = service.get("schedule")
        facts["schedule"] = (
            {
                k: schedule[k]
                for k in JUDGE_SCHEDULE_FIELDS
                if k in schedule and _scalar(schedule[k])
            }
            if isinstance(schedule, dict)
            else None
        )
        services.append(facts)
    ratings = profile.get("ratings") or {}
    return {
        "display_name": profile.get("display_name"),
        "profile_url": profile.get("profile_url"),
        "ratings": {"average": ratings.get("average"), "count": ratings.get("count")},
        "services": services,
    }


def verdict_findings(verdict: JudgeVerdict) -> list[Finding]:
    found = []
    for rule in RUBRIC:
        answer: RubricAnswer = getattr(verdict, rule)
        if answer.present:
            quote = normalize(answer.quote).strip() or "(no quote)"
            found.append(finding(rule, quote, f"the judge found {JUDGE_DETAILS[rule]}"))
    return found


def not_judged(reason: str) -> Finding:
    return finding(NOT_JUDGED, "", f"not judged: the judge did not answer ({reason[:200]})")


# The lexicon scans about a character a microsecond: a draft of a few hundred characters
# is scanned on the event loop (a thread hop costs more than that), a longer text in a
# thread, so the loop is never held for more than about a millisecond. Only text already in
# NFKC form counts as short: folding can make a character eighteen (U+FDFA).
SCAN_ON_LOOP_CHARS = 1_000


async def scan_lexicon(text: str) -> list[Finding]:
    """`lexicon_findings`, off the loop when the text is long."""
    if len(text) <= SCAN_ON_LOOP_CHARS and unicodedata.is_normalized("NFKC", text):
        return lexicon_findings(text)
    return await asyncio.to_thread(lexicon_findings, text)


class LexiconJudge:
    """No model: the multilingual lexicon covers the rubric (it cannot see invented services;
    those are the fact slots' job)."""

    uses_model = False

    async def judge(
        self, text: str, profile: dict[str, Any], *, own_words: str | None = None
    ) -> list[Finding]:
        return await scan_lexicon(text if own_words is None else own_words)


class LLMJudge:
    """A second model call with the rubric, plus the lexicon; fails closed."""

    uses_model = True

    def __init__(self, model: BaseChatModel, timeout_s: float, prompt_name: str = "judge_draft"):
        self._model = model.with_structured_output(JudgeVerdict)
        self._timeout_s = timeout_s
        self._prompt_name = prompt_name
        self._lexicon = LexiconJudge()

    def _render(self, text: str, profile: dict[str, Any]) -> str:
        return load_prompt(self._prompt_name).render(
            creator_facts=fenced_json(judge_facts(profile)),
            message=fenced_json(text),
        )

    async def _ask(self, text: str, profile: dict[str, Any]) -> list[Finding]:
        try:
            # The prompt file is read on every call (edits apply at once), off the loop.
            prompt = await asyncio.to_thread(self._render, text, profile)
            verdict = await ask_structured(self._model, prompt, JudgeVerdict, self._timeout_s)
        except ModelFailed as failed:
            log.warning("the judge failed, holding the draft (%s)", failed)
            return [not_judged(str(failed))]
        except Exception as exc:  # a broken prompt file: still fail closed, loudly
            log.exception("the judge could not run")
            return [not_judged(type(exc).__name__)]
        return verdict_findings(verdict)

    async def judge(
        self, text: str, profile: dict[str, Any], *, own_words: str | None = None
    ) -> list[Finding]:
        model_findings, lexicon = await asyncio.gather(
            self._ask(text, profile),
            self._lexicon.judge(text, profile, own_words=own_words),
        )
        return model_findings + lexicon
