"""Chat model factory: an OpenAI-compatible endpoint from settings, or none."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI

from server.settings import Settings

T = TypeVar("T")


class ModelFailed(Exception):
    """The model errored, timed out or answered in the wrong shape; `str()` says which."""


async def ask_structured(model: Runnable, prompt: str, schema: type[T], timeout_s: float) -> T:
    """One structured-output call, capped at `timeout_s` (the client retries inside it)."""
    try:
        answer: Any = await asyncio.wait_for(model.ainvoke(prompt), timeout_s)
    except Exception as exc:
        raise ModelFailed(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    if not isinstance(answer, schema):
        raise ModelFailed(f"model returned {type(answer).__name__}, not {schema.__name__}")
    return answer


def build_chat_model(settings: Settings, temperature: float = 0.4) -> ChatOpenAI | None:
    if settings.openai_api_key is None:
        return None
    return ChatOpenAI(
        model=settings.openai_model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        temperature=temperature,
    )


def build_drafter(settings: Settings):
    """The model drafter when a model is configured, else the template drafter."""
    from tools.drafting import LLMDrafter, TemplateDrafter

    model = build_chat_model(settings)
    if model is None:
        return TemplateDrafter()
    return LLMDrafter(model, timeout_s=_call_budget(settings))


def build_judge(settings: Settings):
    """The model judge (with the lexicon beside it) when a model is configured and
    DRAFT_JUDGE is on, else the lexicon judge."""
    from tools.judge import LexiconJudge, LLMJudge

    model = build_chat_model(settings, temperature=0.0) if settings.draft_judge == "on" else None
    if model is None:
        return LexiconJudge()
    return LLMJudge(model, timeout_s=_call_budget(settings))


def _call_budget(settings: Settings) -> float:
    """The client retries on its own; this bounds every attempt together."""
    return settings.llm_timeout_s * (settings.llm_max_retries + 1) + 1


def build_profile_writer(settings: Settings):
    """The model profile writer when a model is configured, else the deterministic one."""
    from tools.profile_writer import DeterministicProfileWriter, LLMProfileWriter

    model = build_chat_model(settings)
    if model is None:
        return DeterministicProfileWriter()
    return LLMProfileWriter(model, timeout_s=_call_budget(settings))
