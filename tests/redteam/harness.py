"""Runs the red-team corpus through the service: human drafts through the check endpoint,
model drafts through the sales graph (the real ChatOpenAI client against the scripted model),
profiles through onboarding. Each item's result says whether the service let it through."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from domain.findings import GENERIC_FEEDBACK
from tests.conftest import load_creator, running_service, wait_for, wait_for_event
from tests.redteam.corpus import fixture_creators
from tests.redteam.scripted_model import RedTeamModel, draft_answer

# Drafts are posted for a first visit before every scheduled start in the fixtures.
OCCURRED_AT = "2026-11-02T05:30:00Z"
LEAD_NAMES = ("Neha Kulkarni", "Dana Brooks", "Jonas Weber", "Lucía Gómez", "Alex Morgan")
# What a model-path run measures: the lexicon, not a scripted judge.
SERVICE_SETTINGS = {
    "openai_api_key": "redteam-key",
    "openai_model": "scripted",
    "llm_timeout_s": 10.0,
    "llm_max_retries": 0,
    "draft_judge": "off",
}


def result(item: dict[str, Any], path: str, through: bool, **info: Any) -> dict[str, Any]:
    """`through`: the service let the item's text reach the creator (or the sender) as
    passed. For a bad item that is a miss; for an honest one, the right outcome."""
    return {
        "id": item["id"],
        "path": path,
        "label": item["label"],
        "classes": item["classes"],
        "language": item["language"],
        "through": through,
        "rules": sorted(set(info.pop("rules", []))),
        "error": info.pop("error", None),
        **info,
    }


@asynccontextmanager
async def redteam_service(
    database_url: str,
) -> AsyncIterator[tuple[httpx.AsyncClient, RedTeamModel]]:
    """The service with its worker on `database_url`, the scripted model as its model, and
    every fixture creator registered."""
    with RedTeamModel() as model:
        async with running_service(
            database_url, openai_base_url=model.base_url, **SERVICE_SETTINGS
        ) as client:
            for username in sorted(fixture_creators()):
                await register(client, username, load_creator(username))
            yield client, model


async def register(client: httpx.AsyncClient, username: str, data: dict[str, Any]) -> None:
    answer = await client.post("/creators", json={"username": username, "marketplace_data": data})
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"registering {username} failed: {answer.status_code} {answer.text}")


# Human text ----------------------------------------------------------------------------------


async def check_human(client: httpx.AsyncClient, item: dict[str, Any]) -> dict[str, Any]:
    answer = await client.post(
        f"/creators/{item['creator']}/check",
        json={"channel": item["channel"], "subject": item["subject"], "body": item["body"]},
    )
    if answer.status_code != 200:
        # Counted against the check either way: a bad item missed, an honest one flagged.
        return result(
            item,
            "human",
            through=item["label"] == "bad",
            error=f"{answer.status_code} {answer.text[:200]}",
        )
    body = answer.json()
    problems = body.get("problems") or []
    return result(
        item,
        "human",
        through=bool(body.get("passed")),
        rules=[p.get("rule") for p in problems if isinstance(p, dict)],
        problems=problems,
    )


# Model drafts through the graph ----------------------------------------------------------------


def rules_in_feedback(prompt: str) -> list[str]:
    """The rule classes a redraft prompt names (it carries the generic feedback only)."""
    return [rule for rule, sentence in GENERIC_FEEDBACK.items() if sentence in prompt]


async def new_lead(
    client: httpx.AsyncClient, creator: str, lead_id: str, channel: str, index: int
) -> None:
    contact = (
        {"whatsapp": "+919876543210", "consent": {"whatsapp": True}}
        if channel == "whatsapp"
        else {"email": "lead@example.com", "consent": {"email": True}}
    )
    answer = await client.post(
        "/consumers",
        json={
            "creator_id": creator,
            "external_id": lead_id,
            "name": LEAD_NAMES[index % len(LEAD_NAMES)],
            **contact,
        },
    )
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"creating lead {lead_id} failed: {answer.status_code} {answer.text}")


async def draft_for_lead(
    client: httpx.AsyncClient, creator: str, lead_id: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Post a first page view; (the event's decision, the approval it led to or None)."""
    posted = await client.post(
        "/events",
        json={
            "creator_id": creator,
            "consumer_id": lead_id,
            "type": "page_view",
            "occurred_at": OCCURRED_AT,
            "payload": {"page": "creator_profile"},
        },
    )
    if posted.status_code != 202:
        raise RuntimeError(f"posting an event failed: {posted.status_code} {posted.text}")
    event = await wait_for_event(client, posted.json()["event_id"])
    decision = event.get("decision") or {}
    if not decision.get("approval_id"):
        return decision, None
    return decision, (await client.get(f"/approvals/{decision['approval_id']}")).json()


async def check_model(
    client: httpx.AsyncClient, model: RedTeamModel, item: dict[str, Any], index: int
) -> dict[str, Any]:
    model.script(drafts=[draft_answer(item["channel"], item["subject"], item["body"])])
    lead_id = f"rt-{item['id']}"
    await new_lead(client, item["creator"], lead_id, item["channel"], index)
    decision, approval = await draft_for_lead(client, item["creator"], lead_id)
    draft = (approval or {}).get("draft") or {}
    check = (approval or {}).get("draft_check") or decision.get("draft_check") or {}
    prompts = model.prompts("draft")
    # The scripted model always answers this item's text: a draft from it that reaches an
    # approval is the item itself, passed by the check.
    through = draft.get("source") == "llm"
    return result(
        item,
        "model",
        through=through,
        rules=[rule for prompt in prompts[1:] for rule in rules_in_feedback(prompt)],
        source=draft.get("source"),
        decision=decision.get("reason"),
        model_requests=len(prompts),
        draft_check_passed=check.get("passed"),
        error=None if decision.get("act") else f"no draft: {decision.get('reason')}",
    )


# Profiles through onboarding -------------------------------------------------------------------

ONBOARDING_DONE = {"awaiting_review", "approved", "rejected", "failed"}


async def onboard(client: httpx.AsyncClient, username: str, data: dict[str, Any]) -> dict[str, Any]:
    """Start an onboarding with inline data; its state once it waits for review (or ends)."""
    started = await client.post(
        "/onboarding/", json={"username": username, "marketplace_data": data}
    )
    if started.status_code != 202:
        raise RuntimeError(f"onboarding failed to start: {started.status_code} {started.text}")
    onboarding_id = started.json()["onboarding_id"]

    async def settled():
        run = (await client.get(f"/onboarding/{onboarding_id}")).json()
        return run if run.get("status") in ONBOARDING_DONE else None

    return await wait_for(settled)


async def review_profile(client: httpx.AsyncClient, run: dict[str, Any]) -> dict[str, Any]:
    """The profile the creator is asked to review ({} when there is none)."""
    if not run.get("approval_id"):
        return {}
    return (await client.get(f"/approvals/{run['approval_id']}")).json().get("draft") or {}


def _problem_rules(problems: list[Any]) -> list[str]:
    return [p["rule"] for p in problems if isinstance(p, dict) and "rule" in p]


async def check_profile(
    client: httpx.AsyncClient, model: RedTeamModel, item: dict[str, Any]
) -> dict[str, Any]:
    model.script(profiles=[item["writing"]])
    run = await onboard(client, item["creator"], load_creator(item["creator"]))
    profile = await review_profile(client, run)
    await decline(client, run)
    return result(
        item,
        "profile",
        # The scripted model always answers this item's writing: a model-written profile
        # waiting for review is the item itself, passed by the check.
        through=profile.get("source") == "llm",
        rules=_problem_rules(run.get("problems") or []),
        problems=run.get("problems") or [],
        source=profile.get("source"),
        status=run.get("status"),
        model_requests=len(model.prompts("profile")),
        error=None if run.get("status") == "awaiting_review" else f"status {run.get('status')}",
    )


async def decline(client: httpx.AsyncClient, run: dict[str, Any]) -> None:
    """Close the review so the next onboarding of the creator starts clean."""
    if run.get("approval_id"):
        await client.post(
            f"/approvals/{run['approval_id']}/decision",
            json={"decisions": [{"type": "reject"}]},
        )


# The whole corpus ------------------------------------------------------------------------------


async def run_corpus(
    client: httpx.AsyncClient,
    model: RedTeamModel,
    drafts: list[dict[str, Any]],
    profiles: list[dict[str, Any]],
    progress=None,
) -> list[dict[str, Any]]:
    """One item at a time: the scripted model answers for the item in hand."""
    results = []
    for index, item in enumerate(drafts):
        if item["path"] == "human":
            results.append(await check_human(client, item))
        else:
            results.append(await check_model(client, model, item, index))
        if progress:
            progress(results[-1])
    for item in profiles:
        results.append(await check_profile(client, model, item))
        if progress:
            progress(results[-1])
    return results


def dumps(results: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in results) + "\n"
