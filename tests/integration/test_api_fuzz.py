"""A quick, deterministic fuzz of the write endpoints: every field of a valid body replaced by
each odd value (and removed, and joined by an unknown field). No answer may be a 5xx, and
every event that was accepted must then be processed, not fail in the worker."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import psycopg

from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    load_creator,
    post_page_view,
    running_service,
    wait_for,
    wait_for_event,
)

SURROGATE = "__lone_surrogate__"  # becomes a lone \ud800 escape in the JSON sent


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


ODD_VALUES: list[Any] = [
    SURROGATE,
    "\x00",
    "",
    "x" * 20_000,
    2**64,
    -(2**63) - 1,
    2**63,
    -1,
    1.5,
    float("nan"),
    float("inf"),
    True,
    None,
    [],
    {},
    [[[[1]]]],
    _nested(40),
    "0001-01-01T00:00:00+14:00",
    1_793_600_000,
]
REMOVED = object()


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*path, i))


def _replace(body: Any, path: tuple, new: Any) -> Any:
    body = copy.deepcopy(body)
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    if new is REMOVED:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return body


def mutations(body: dict[str, Any]) -> Iterator[bytes]:
    for path in _paths(body):
        if not path:
            continue
        for odd in [*ODD_VALUES, REMOVED]:
            if odd is REMOVED and not isinstance(path[-1], str):
                continue
            yield json.dumps(_replace(body, path, odd)).replace(SURROGATE, "\\ud800").encode()
    for path in _paths(body):
        target = body
        for part in path:
            target = target[part]
        if isinstance(target, dict):  # an unknown field, with a value no checkpoint holds
            yield json.dumps(_replace(body, (*path, "unexpected"), 2**64)).encode()


def _small_creator() -> dict[str, Any]:
    data = load_creator("ajay_shenoy")
    data["services"] = data["services"][2:3]  # the one with a schedule and seats
    data["testimonials"] = data.get("testimonials", [])[:1]
    return {"username": "ajay_shenoy", "marketplace_data": data}


async def test_odd_values_in_every_field_never_give_a_5xx(database_url):
    # A real draft to decide on: the worker writes it for the lead's first visit.
    async with running_service(database_url) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        event_id = await post_page_view(client, NEHA["external_id"])
        approval_id = (await wait_for_event(client, event_id))["decision"]["approval_id"]

    endpoints = {
        "/events": {
            "creator_id": "ajay_shenoy",
            "consumer_id": NEHA["external_id"],
            "type": "service_click",
            "source": "web",
            "occurred_at": "2026-11-02T06:30:00+05:30",
            "event_id": "fuzz-1",
            "payload": {"service_id": 103, "page": "p", "utm": {"tags": ["a"]}},
        },
        "/consumers": {**NEHA, "email": "neha@example.com", "consent": {"whatsapp": True}},
        "/creators": _small_creator(),
        f"/approvals/{approval_id}/decision": {
            "decisions": [
                {
                    "type": "edit",
                    "edited_action": {"name": "send_whatsapp", "args": {"body": "Hi Neha"}},
                }
            ]
        },
        "/onboarding/": {
            "username": "ajay_shenoy",
            "marketplace_data": _small_creator()["marketplace_data"],
        },  # noqa: E501
    }
    server_errors = []
    sent = 0
    async with running_service(database_url, run_worker=False) as client:
        for path, body in endpoints.items():
            for content in mutations(body):
                response = await client.post(
                    path, content=content, headers={"content-type": "application/json"}
                )
                sent += 1
                if response.status_code >= 500:
                    server_errors.append((path, content[:300], response.text[:300]))
    assert sent > 1000
    assert not server_errors, server_errors[:5]

    # Whatever was accepted with a 202 must also be processable.
    async with running_service(database_url) as client:
        url = client.app.state.services.settings.database_url

        async def settled():
            async with await psycopg.AsyncConnection.connect(url) as conn:
                cur = await conn.execute(
                    "SELECT count(*) FILTER (WHERE status = 'queued'), "
                    "array_agg(id) FILTER (WHERE status = 'failed') FROM events"
                )
                queued, failed = await cur.fetchone()
            return {"failed": failed or []} if queued == 0 else None

        assert (await wait_for(settled, within=120))["failed"] == []
