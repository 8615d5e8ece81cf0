"""The API's edge, over HTTP: bodies and fields are capped, only storable JSON gets in, odd
input gets a 4xx (never a 500), and no answer carries the service's internals."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import psycopg
import pytest

import server.routes.creators as creators_route
from domain.marketplace import (
    MAX_BIO,
    MAX_DESCRIPTION,
    MAX_HEADLINE,
    MAX_LIST_ITEMS,
    MAX_NAME,
    MAX_SERVICES,
    MAX_TESTIMONIAL,
    MAX_TESTIMONIALS,
    MAX_URL,
)
from server.body_limit import MAX_BODY_BYTES
from server.errors import INTERNAL_ERROR
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    load_creator,
    running_service,
    wait_for_event,
)

EVENT = {
    "creator_id": "ajay_shenoy",
    "consumer_id": "c-1001",
    "type": "page_view",
    "occurred_at": "2026-11-02T05:30:00Z",
    "payload": {},
}
JSON = {"content-type": "application/json"}


@pytest.fixture
async def client(database_url):
    async with running_service(database_url, run_worker=False) as client:
        await create_creator(client, "ajay_shenoy")
        await create_consumer(client, NEHA)
        yield client


def creator_body(data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"username": "ajay_shenoy", "marketplace_data": data or load_creator("ajay_shenoy")}


def _text(length: int, unit: str) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def max_size_creator() -> dict[str, Any]:
    """Every list and text at its cap, with descriptions full of links, prices and offer
    names for the grounding check to look up."""
    url = "https://marketplace.example/max_creator/"
    description = "Book the Big Career Strategy Call at https://x.example/a for $99 today. "
    return {
        "user": {
            "id": 1,
            "username": "max_creator",
            "display_name": _text(MAX_NAME, "Max "),
            "headline": _text(MAX_HEADLINE, "h"),
            "bio": _text(MAX_BIO, "Bio "),
            "expertise": [_text(MAX_NAME, "e")] * MAX_LIST_ITEMS,
            "languages": [_text(MAX_NAME, "l")] * MAX_LIST_ITEMS,
            "profile_url": url + _text(MAX_URL - len(url), "p"),
        },
        "services": [
            {
                "id": i,
                "type": _text(MAX_NAME, "t"),
                "title": _text(MAX_NAME, f"Topic {i} Strategy Call "),
                "description": _text(MAX_DESCRIPTION, description),
                "duration_minutes": 60,
                "price": {"amount": 100 + i, "currency": "USD", "interval": "month"},
                "booking_url": url + _text(MAX_URL - len(url), str(i)),
                "seats": {"total": 10, "taken": 1},
            }
            for i in range(MAX_SERVICES)
        ],
        "ratings": {"average": 4.5, "count": 10},
        "testimonials": [
            {"author": _text(MAX_NAME, "a"), "rating": 5, "text": _text(MAX_TESTIMONIAL, "Good. ")}
        ]
        * MAX_TESTIMONIALS,
    }


# -- 2. one request must not freeze the service --------------------------------------------


async def _post_while_health_answers(client, content, headers):
    """POST /creators while /health is asked again and again; both must answer."""

    async def health_answers():
        for _ in range(5):
            assert (await client.get("/health")).status_code == 200

    started = time.monotonic()
    response, _ = await asyncio.gather(
        client.post("/creators", content=content, headers=headers), health_answers()
    )
    return response, time.monotonic() - started


def _hundred_thousand_services() -> bytes:
    service = load_creator("ajay_shenoy")["services"][0]
    data = {**load_creator("ajay_shenoy"), "services": [service] * 100_000}
    return json.dumps(creator_body(data)).encode()


async def test_a_100k_service_body_is_refused_within_a_second_while_health_answers(client):
    body = _hundred_thousand_services()
    assert len(body) > 10 * MAX_BODY_BYTES

    async def chunks():
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    for content, headers in [
        (body, JSON),  # an honest Content-Length
        (chunks(), JSON),  # none: chunked
        (body, {**JSON, "content-length": "100"}),  # a lie
    ]:
        response, took = await _post_while_health_answers(client, content, headers)
        assert response.status_code == 413, response.text[:300]
        assert f"{MAX_BODY_BYTES:,} bytes" in response.json()["detail"]
        assert took < 1.0  # the bound the issue demands; in practice a few milliseconds


async def test_a_maximum_size_creator_is_accepted_and_built_off_the_event_loop(client, monkeypatch):
    builds: list[tuple[float, float]] = []
    real_build = creators_route.build_profile

    def timed_build(data):
        started = time.monotonic()
        try:
            return real_build(data)
        finally:
            builds.append((started, time.monotonic()))

    monkeypatch.setattr(creators_route, "build_profile", timed_build)
    body = json.dumps(creator_body(max_size_creator()) | {"username": "max_creator"}).encode()
    assert len(body) <= MAX_BODY_BYTES

    post = asyncio.create_task(client.post("/creators", content=body, headers=JSON))
    health_answered_at = []
    while not post.done():
        await asyncio.sleep(0.005)  # in-process requests need not yield to the loop
        assert (await client.get("/health")).status_code == 200
        health_answered_at.append(time.monotonic())
    response = await post

    assert response.status_code == 201, response.text[:500]
    assert len(response.json()["profile"]["services"]) == MAX_SERVICES
    (build_started, build_ended) = builds[0]
    # The event loop kept serving while the profile was being built.
    assert any(build_started < t < build_ended for t in health_answered_at)


def _with_service_change(**change: Any) -> dict[str, Any]:
    data = load_creator("ajay_shenoy")
    data["services"][0] |= change
    return data


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            {
                **load_creator("ajay_shenoy"),
                "services": [load_creator("ajay_shenoy")["services"][0]] * (MAX_SERVICES + 1),
            },
            f"at most {MAX_SERVICES} items",
        ),
        (_with_service_change(description="x" * (MAX_DESCRIPTION + 1)), f"{MAX_DESCRIPTION}"),
        (_with_service_change(title="x" * (MAX_NAME + 1)), f"at most {MAX_NAME} characters"),
        (_with_service_change(booking_url="x" * (MAX_URL + 1)), f"at most {MAX_URL} characters"),
        (
            {**load_creator("ajay_shenoy"), "testimonials": [{"text": "ok"}] * 201},
            f"at most {MAX_TESTIMONIALS} items",
        ),
        (
            {**load_creator("ajay_shenoy"), "testimonials": [{"text": "x" * 2001}]},
            f"at most {MAX_TESTIMONIAL} characters",
        ),
        (
            {
                **load_creator("ajay_shenoy"),
                "user": {**load_creator("ajay_shenoy")["user"], "bio": "x" * (MAX_BIO + 1)},
            },
            f"at most {MAX_BIO} characters",
        ),
        (
            {
                **load_creator("ajay_shenoy"),
                "user": {**load_creator("ajay_shenoy")["user"], "expertise": ["x"] * 51},
            },
            f"at most {MAX_LIST_ITEMS} items",
        ),
        (_with_service_change(seats={"total": "forty", "taken": 1}), "seats.total"),
    ],
)
async def test_oversized_or_malformed_creator_data_is_a_422_naming_the_limit(client, data, says):
    response = await client.post("/creators", json=creator_body(data))
    assert response.status_code == 422, response.text[:300]
    assert says in response.text


# -- 4. nothing accepted that the checkpoint cannot hold -----------------------------------


def _service_id(value: int) -> dict[str, Any]:
    return creator_body(_with_service_change(id=value))


def _user_extra(value: int) -> dict[str, Any]:
    data = load_creator("ajay_shenoy")
    data["user"]["followers"] = value
    return creator_body(data)


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        ("/events", {**EVENT, "payload": {"a": [{"b": 2**64}]}}, "payload.a.0.b"),
        ("/events", {**EVENT, "payload": {"n": -(2**63) - 1}}, "payload.n"),
        ("/events", {**EVENT, "payload": {"service_id": 2**70}}, "payload.service_id"),
        ("/creators", _service_id(2**64), "marketplace_data.services.0.id"),
        ("/creators", _user_extra(2**64), "marketplace_data.user.followers"),
        (
            "/onboarding/",
            {"username": "ajay_shenoy", "marketplace_data": {"stats": {"views": 2**64}}},
            "marketplace_data.stats.views",
        ),
        ("/events", {**EVENT, "payload": {"x": float("nan")}}, "payload.x"),
        (
            "/creators",
            creator_body(_with_service_change(price={"amount": float("inf"), "currency": "USD"})),
            "price.amount",
        ),  # noqa: E501
    ],
)
async def test_integers_beyond_64_bits_and_non_finite_numbers_are_a_422_naming_the_field(
    client, path, body, says
):
    response = await client.post(path, content=json.dumps(body).encode(), headers=JSON)
    assert response.status_code == 422, response.text[:300]
    assert says in response.text


async def test_the_largest_storable_integers_go_through_the_graph(database_url):
    async with running_service(database_url) as client:
        data = load_creator("ajay_shenoy")
        data["user"]["followers"] = 2**64 - 1
        data["services"][0]["id"] = -(2**63)
        assert (await client.post("/creators", json=creator_body(data))).status_code == 201
        await create_consumer(client, NEHA)
        payload = {"big": 2**64 - 1, "small": -(2**63), "nested": [{"big": 2**64 - 1}]}
        posted = await client.post("/events", json={**EVENT, "payload": payload})
        assert posted.status_code == 202, posted.text
        event = await wait_for_event(client, posted.json()["event_id"])
        assert event["status"] == "processed", event


# -- 5. client input that gave a 500 -------------------------------------------------------


def _raw(body: dict[str, Any], replace: str) -> bytes:
    """The body as JSON with the string "SURROGATE" turned into a lone \\ud800 escape."""
    return json.dumps(body).replace(replace, "\\ud800").encode()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/events", {**EVENT, "creator_id": "SURROGATE"}),  # echoed by the 422 handler
        ("/events", {**EVENT, "payload": {"note": "SURROGATE"}}),
        ("/events", {**EVENT, "payload": {"SURROGATE": 1}}),  # in a key
        ("/consumers", {**NEHA, "name": "SURROGATE"}),
        ("/creators", creator_body(_with_service_change(title="SURROGATE"))),
        ("/approvals/nope/decision", {"decisions": [{"type": "reject", "message": "SURROGATE"}]}),
        ("/onboarding/", {"username": "SURROGATE"}),
    ],
)
async def test_a_lone_surrogate_in_any_string_is_a_422_not_a_500(client, path, body):
    response = await client.post(path, content=_raw(body, "SURROGATE"), headers=JSON)
    assert response.status_code == 422, response.text[:300]
    assert "surrogate" in response.text


async def test_a_payload_nested_300_deep_is_a_422_naming_the_depth(client):
    payload: Any = 1
    for _ in range(300):
        payload = {"a": payload}
    response = await client.post("/events", json={**EVENT, "payload": payload})
    assert response.status_code == 422, response.text[:300]
    assert "nested deeper than" in response.text


@pytest.mark.parametrize("occurred_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_an_occurred_at_out_of_range_in_utc_is_a_422(client, occurred_at):
    response = await client.post("/events", json={**EVENT, "occurred_at": occurred_at})
    assert response.status_code == 422, response.text[:300]
    assert "occurred_at" in response.text


@pytest.mark.parametrize("occurred_at", [1_793_600_000, 1_793_600_000_000, "1793600000", 1.79e9])
async def test_integer_timestamps_are_refused_not_guessed_as_seconds_or_ms(client, occurred_at):
    response = await client.post("/events", json={**EVENT, "occurred_at": occurred_at})
    assert response.status_code == 422, response.text[:300]
    assert "ISO 8601" in response.text


async def test_a_422_echoes_only_a_short_excerpt_of_the_input(client):
    huge_name = "N" * 1_500_000
    response = await client.post("/consumers", json={**NEHA, "whatsapp": huge_name})
    assert response.status_code == 422
    assert len(response.content) < 2_000
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "whatsapp"] and error["input"].startswith("NNN")
    assert response.json()["detail"].startswith("the request is not valid: body.whatsapp: ")

    many_bad = creator_body({**load_creator("ajay_shenoy"), "services": [{}] * 150})
    response = await client.post("/creators", json=many_bad)
    assert response.status_code == 422
    assert len(response.json()["errors"]) <= 21 and "more errors" in response.text


async def test_internal_exception_text_never_reaches_the_client(client, caplog):
    async def type_error():
        raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'")

    async def unique_violation():
        raise psycopg.errors.UniqueViolation(
            'duplicate key value violates unique constraint "events_pkey"\n'
            "DETAIL:  Key (id)=(evt-1) already exists."
        )

    async def data_error():
        raise psycopg.errors.StringDataRightTruncation(
            "value too long for type character varying(64)\nCONTEXT: table consumers"
        )

    for name, route in [("type", type_error), ("unique", unique_violation), ("data", data_error)]:
        client.app.add_api_route(f"/test-raises/{name}", route)

    with caplog.at_level(logging.ERROR, logger="creator_agents"):
        for name, status in [("type", 500), ("unique", 500), ("data", 422)]:
            response = await client.get(f"/test-raises/{name}")
            assert response.status_code == status
            for internal in ("TypeError", "NoneType", "UniqueViolation", "DETAIL", "varying"):
                assert internal not in response.text
    assert (await client.get("/test-raises/type")).json() == {"detail": INTERNAL_ERROR}
    assert "TypeError: unsupported operand" in caplog.text  # the traceback is logged
