"""Profile writers: a chat model with structured output, or the deterministic builder."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel

from domain.marketplace import MarketplaceCreator
from domain.profile import build_facts
from domain.profile_writing import ProfileWriting, deterministic_writing
from prompts import load_prompt
from tools.drafting import fenced_json
from tools.llm import ModelFailed, ask_structured

log = logging.getLogger(__name__)


@dataclass
class WrittenProfile:
    writing: dict[str, Any]  # the WRITING_FIELDS
    source: str  # 'llm' or 'deterministic'
    model_answer: dict[str, Any] | None = None
    fallback_reason: str | None = None
    prompt: dict[str, str] = field(default_factory=dict)  # name and hash


class ProfileWriter(Protocol):
    async def write(self, data: MarketplaceCreator, feedback: str | None) -> WrittenProfile: ...


class DeterministicProfileWriter:
    async def write(
        self, data: MarketplaceCreator, feedback: str | None = None, reason: str | None = None
    ) -> WrittenProfile:
        writing = await asyncio.to_thread(deterministic_writing, data)  # CPU work: off the loop
        return WrittenProfile(writing, "deterministic", fallback_reason=reason)


# What the profile-writing prompt shows of each service: the facts, prices already formatted,
# and the creator's description, all fenced as data.
PROFILE_SERVICE_FIELDS = (
    "id",
    "title",
    "type",
    "description",
    "price_text",
    "booking_url",
    "active",
    "status",
    "schedule",
    "seats_left",
    "duration_minutes",
)


def creator_data_for_prompt(data: MarketplaceCreator) -> dict[str, Any]:
    """The creator's own words plus the facts, with prices already formatted."""
    facts = build_facts(data)
    user = data.user
    return {
        "display_name": user.display_name,
        "headline": user.headline,
        "bio": user.bio,
        "expertise": user.expertise,
        "languages": user.languages,
        "profile_url": user.profile_url,
        "services": [
            {key: s.get(key) for key in PROFILE_SERVICE_FIELDS} for s in facts["services"]
        ],
        "ratings": facts["ratings"],
        "testimonials": [t.model_dump() for t in data.testimonials],
        "stats": data.stats,
    }


class LLMProfileWriter:
    def __init__(self, model: BaseChatModel, timeout_s: float, prompt_name: str = "write_profile"):
        self._model = model.with_structured_output(ProfileWriting)
        self._timeout_s = timeout_s
        self._prompt_name = prompt_name
        self._fallback = DeterministicProfileWriter()

    async def write(self, data: MarketplaceCreator, feedback: str | None = None) -> WrittenProfile:
        prompt = await asyncio.to_thread(load_prompt, self._prompt_name)
        text = prompt.render(
            creator_name=data.user.display_name,
            feedback_block=(
                f"\nThe previous profile was not accepted. Fix this: {feedback}\n"
                if feedback
                else ""
            ),
            creator_data=fenced_json(await asyncio.to_thread(creator_data_for_prompt, data)),
        )
        try:
            answer = await ask_structured(self._model, text, ProfileWriting, self._timeout_s)
        except ModelFailed as failed:  # the deterministic builder takes over
            log.warning("model profile failed, using the deterministic builder (%s)", failed)
            return await self._fallback.write(data, reason=str(failed))
        writing = answer.model_dump()
        return WrittenProfile(
            writing,
            "llm",
            model_answer=writing,
            prompt={"name": prompt.name, "sha256": prompt.sha256},
        )
