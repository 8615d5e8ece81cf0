"""A slow or unreachable provider, through the service: the real twilio and boto3 clients
against local servers that hang, refuse connections or come back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import psycopg
from procrastinate import RetryStrategy

from server import jobs
from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    post_page_view,
    running_service,
    wait_for,
    wait_for_event,
)
from tests.standins.twilio_server import TwilioStandIn

TWILIO = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "token",
    "twilio_whatsapp_from": "whatsapp:+14155238886",
}
APPROVE = {"decisions": [{"type": "approve"}]}


def lead(n: int) -> dict[str, Any]:
    return {**NEHA, "external_id": f"lead-{n}", "whatsapp": f"+9198765432{n:02d}"}


async def approved_drafts(client, leads: list[dict[str, Any]]) -> list[str]:
    """A draft for each lead, approved: their sends are queued. Returns the approval ids."""
    await create_creator(client, "ajay_shenoy")
    for consumer in leads:
        await create_consumer(client, consumer)
    event_ids = [await post_page_view(client, consumer["external_id"]) for consumer in leads]
    approval_ids = []
    for event_id in event_ids:
        decision = (await wait_for_event(client, event_id))["decision"]
        assert decision["act"], decision
        approval_ids.append(decision["approval_id"])
    for approval_id in approval_ids:
        answer = await client.post(f"/approvals/{approval_id}/decision", json=APPROVE)
        assert answer.status_code == 200, answer.text
    return approval_ids


async def messages(client) -> list[dict[str, Any]]:
    return (await client.get("/messages")).json()["messages"]


async def message_in(client, statuses: tuple[str, ...]) -> dict[str, Any] | None:
    return next((m for m in await messages(client) if m["status"] in statuses), None)


async def open_jobs(database_url: str) -> int:
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        cur = await conn.execute(
            # Timers due later (a follow-up in 72 h) do not count: nothing runs them now.
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
            " AND (scheduled_at IS NULL OR scheduled_at <= now())"
        )
        return (await cur.fetchone())[0]


async def wait_for_empty_queue(database_url: str) -> None:
    """Until every job has finished (a retry, a resend, a last attempt's wrap-up)."""

    async def queue_empty():
        return await open_jobs(database_url) == 0

    await wait_for(queue_empty)


async def audit_actions(client, consumer_id: str) -> list[dict[str, Any]]:
    thread = (await client.get(f"/threads/ajay_shenoy/{consumer_id}")).json()
    return thread["audit_log"]


@contextmanager
def default_executor_of(threads: int) -> Iterator[None]:
    """Give the event loop's shared default executor `threads` threads (it has cpu + 4):
    that many sends hanging in it would fill it, as six did on a two-core machine."""
    loop = asyncio.get_running_loop()
    small = ThreadPoolExecutor(threads)
    loop.set_default_executor(small)
    try:
        yield
    finally:
        loop.set_default_executor(ThreadPoolExecutor())
        small.shutdown(wait=False)


async def test_a_provider_that_never_answers_does_not_hold_other_leads_events(database_url):
    with TwilioStandIn() as twilio, default_executor_of(2):
        async with running_service(
            database_url,
            twilio_api_base_url=twilio.url,
            provider_timeout_s=60,  # the hang outlasts everything below
            provider_concurrency=2,
            worker_concurrency=4,
            **TWILIO,
        ) as client:
            twilio.start_holding()
            try:
                await approved_drafts(client, [lead(1), lead(2)])

                async def both_sends_hang():
                    return twilio.held == 2

                await wait_for(both_sends_hang)
                # Another lead's event is processed while both sends still hang.
                other = lead(3)
                await create_consumer(client, other)
                event = await wait_for_event(
                    client, await post_page_view(client, other["external_id"])
                )
                assert event["status"] == "processed" and event["decision"]["act"], event
                assert twilio.held == 2
                assert [m["status"] for m in await messages(client)] == ["sending", "sending"]
            finally:
                twilio.release()

            async def both_sent():
                found = await messages(client)
                return len(found) == 2 and all(m["status"] == "sent" for m in found)

            await wait_for(both_sent)
    assert len(twilio.messages) == 2


async def test_a_send_without_answer_ends_unconfirmed_and_is_not_retried(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=1, **TWILIO
        ) as client:
            twilio.start_holding()
            try:
                [approval_id] = await approved_drafts(client, [NEHA])

                async def unconfirmed():
                    return await message_in(client, ("unconfirmed",))

                await wait_for(unconfirmed)
                assert twilio.held == 1  # Twilio took it and is still silent
            finally:
                twilio.release()

            await wait_for_empty_queue(database_url)
            [message] = await messages(client)
            actions = [a["action"] for a in await audit_actions(client, NEHA["external_id"])]
    assert message["approval_id"] == approval_id
    assert message["status"] == "unconfirmed"
    assert "Read timed out" in message["error"] and "may have sent" in message["error"]
    assert len(twilio.messages) == 1  # no retry could send it twice
    assert "message_unconfirmed" in actions


async def test_connection_refused_is_retried_and_sent_once_the_provider_is_back(database_url):
    leads = [lead(n) for n in range(1, 9)]
    with TwilioStandIn(listening=False) as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=2, **TWILIO
        ) as client:
            await approved_drafts(client, leads)

            async def all_refused():
                found = await messages(client)
                return len(found) == 8 and all(m["status"] == "retry" for m in found) and found

            refused = await wait_for(all_refused)
            assert all("not sent" in m["error"] for m in refused), refused
            twilio.start_listening()

            async def all_sent():
                found = await messages(client)
                assert not any(m["status"] == "unconfirmed" for m in found), found
                return all(m["status"] == "sent" for m in found) and found

            sent = await wait_for(all_sent)
    assert len(sent) == 8
    assert sorted(m["To"] for m in twilio.messages) == sorted(
        f"whatsapp:{consumer['whatsapp']}" for consumer in leads
    )


async def test_a_send_that_never_got_through_is_left_unsent_and_can_be_resent(
    database_url, monkeypatch
):
    # Every attempt at once, so the job uses up its attempts within the test.
    monkeypatch.setattr(jobs, "RETRY", RetryStrategy(max_attempts=jobs.ATTEMPTS - 1, wait=0))
    with TwilioStandIn(listening=False) as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=2, **TWILIO
        ) as client:
            await approved_drafts(client, [NEHA])

            async def unsent():
                return await message_in(client, ("unsent",))

            message = await wait_for(unsent)

            await wait_for_empty_queue(
                database_url
            )  # the last attempt finished: nothing will retry it
            assert (await message_in(client, ("unsent",)))["id"] == message["id"]
            thread = (await client.get(f"/threads/ajay_shenoy/{NEHA['external_id']}")).json()
            assert not thread["awaiting_approval"]  # the lead's run finished
            twilio.start_listening()
            answer = await client.post(
                f"/messages/{message['id']}/resolve", json={"resolution": "resend"}
            )
            assert answer.status_code == 200, answer.text

            async def sent():
                return await message_in(client, ("sent",))

            await wait_for(sent)
    assert len(twilio.messages) == 1


async def unconfirmed_message(client, twilio: TwilioStandIn) -> dict[str, Any]:
    """A message Twilio took without answering in time; Twilio answers normally after."""
    twilio.start_holding()
    try:
        await approved_drafts(client, [NEHA])

        async def unconfirmed():
            return await message_in(client, ("unconfirmed",))

        return await wait_for(unconfirmed)
    finally:
        twilio.release()


async def test_resend_reaches_the_provider_exactly_once(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=1, **TWILIO
        ) as client:
            message = await unconfirmed_message(client, twilio)
            url = f"/messages/{message['id']}/resolve"
            body = {"resolution": "resend", "note": "not in the Twilio console"}
            answers = await asyncio.gather(*[client.post(url, json=body) for _ in range(3)])
            assert sorted(a.status_code for a in answers) == [200, 409, 409], answers

            await wait_for_empty_queue(database_url)
            [after] = await messages(client)
            again = await client.post(url, json={"resolution": "resend"})
            audit = await audit_actions(client, NEHA["external_id"])
    assert after["id"] == message["id"] and after["status"] == "sent"
    assert len(twilio.messages) == 2  # the unanswered attempt and exactly one resend
    assert after["provider_message_id"] == twilio.messages[1]["sid"]
    assert again.status_code == 409 and "is sent" in again.json()["detail"]
    [resolved] = [a for a in audit if a["action"] == "message_resolved"]
    assert resolved["actor"] == "api"  # the admin key; a creator key records "creator"
    assert resolved["details"]["resolution"] == "resend"
    assert resolved["details"]["note"] == "not in the Twilio console"
    assert "Read timed out" in resolved["details"]["because"]


async def test_resolving_as_sent_records_it_without_a_provider_call(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=1, **TWILIO
        ) as client:
            message = await unconfirmed_message(client, twilio)
            url = f"/messages/{message['id']}/resolve"
            answer = await client.post(url, json={"resolution": "sent", "note": "in the console"})
            second = await client.post(url, json={"resolution": "sent"})
            [after] = await messages(client)
            audit = await audit_actions(client, NEHA["external_id"])
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message_id": message["id"], "resolution": "sent", "status": "sent"}
    assert second.status_code == 409
    assert after["status"] == "sent" and after["error"] is None and after["sent_at"]
    assert len(twilio.messages) == 1
    [resolved] = [a for a in audit if a["action"] == "message_resolved"]
    assert resolved["actor"] == "api" and resolved["details"]["resolution"] == "sent"


async def test_a_resend_to_a_lead_who_opted_out_meanwhile_is_blocked(database_url):
    with TwilioStandIn() as twilio:
        async with running_service(
            database_url, twilio_api_base_url=twilio.url, provider_timeout_s=1, **TWILIO
        ) as client:
            message = await unconfirmed_message(client, twilio)
            stop = await client.post(
                "/events",
                json={
                    "creator_id": "ajay_shenoy",
                    "consumer_id": NEHA["external_id"],
                    "type": "inbound_message",
                    "occurred_at": "2026-11-02T06:00:00Z",
                    "payload": {"text": "STOP", "channel": "whatsapp"},
                },
            )
            await wait_for_event(client, stop.json()["event_id"])
            answer = await client.post(
                f"/messages/{message['id']}/resolve", json={"resolution": "resend"}
            )
            assert answer.status_code == 200, answer.text

            async def settled():
                return await message_in(client, ("blocked", "sent"))

            after = await wait_for(settled)
    assert after["status"] == "blocked"
    assert len(twilio.messages) == 1


async def test_only_an_unconfirmed_message_can_be_resolved(database_url):
    async with running_service(database_url) as client:  # outbox: messages are recorded
        await approved_drafts(client, [NEHA])

        async def recorded():
            return await message_in(client, ("recorded",))

        message = await wait_for(recorded)
        url = f"/messages/{message['id']}/resolve"
        not_unconfirmed = await client.post(url, json={"resolution": "resend"})
        unknown = await client.post("/messages/nope/resolve", json={"resolution": "sent"})
        bad_bodies = [
            {},
            {"resolution": "maybe"},
            {"resolution": "sent", "extra": True},
            {"resolution": "sent", "note": "x" * 1001},
            {"resolution": "sent", "actor": "agent"},
        ]
        bad = [await client.post(url, json=body) for body in bad_bodies]
        [after] = await messages(client)
    assert not_unconfirmed.status_code == 409
    assert "recorded" in not_unconfirmed.json()["detail"]
    assert unknown.status_code == 404
    assert [b.status_code for b in bad] == [422] * len(bad_bodies)
    assert after["status"] == "recorded"
