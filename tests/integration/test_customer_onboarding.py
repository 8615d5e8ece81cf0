"""The customer onboarding agent through HTTP with the worker on real Postgres: a booking's
welcome, its reminder and thank-you on timers (made due by the test, never slept for), a
cancellation that takes everything back, and the sales agent standing aside for what the
lead booked. Timers also drive the sales follow-up, and survive a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from tests.conftest import (
    NEHA,
    create_consumer,
    create_creator,
    running_service,
    wait_for,
    wait_for_event,
    wait_for_message,
)

LEAD = NEHA["external_id"]
DECIDE = {"decisions": [{"type": "approve"}]}


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def post_event(client, kind: str, payload: dict[str, Any], at: datetime | None = None):
    answer = await client.post(
        "/events",
        json={
            "creator_id": "ajay_shenoy",
            "consumer_id": LEAD,
            "type": kind,
            "occurred_at": iso(at or datetime.now(UTC)),
            "payload": payload,
        },
    )
    assert answer.status_code == 202, answer.text
    return answer.json(), await wait_for_event(client, answer.json()["event_id"])


async def thread(client, booking_id: str | None = None) -> dict[str, Any]:
    query = f"?booking_id={booking_id}" if booking_id else ""
    answer = await client.get(f"/threads/ajay_shenoy/{LEAD}{query}")
    assert answer.status_code == 200, answer.text
    return answer.json()


async def approval(client, approval_id: str) -> dict[str, Any]:
    answer = await client.get(f"/approvals/{approval_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


async def approve_and_send(client, approval_id: str) -> dict[str, Any]:
    answer = await client.post(f"/approvals/{approval_id}/decision", json=DECIDE)
    assert answer.status_code == 200, answer.text
    return await wait_for_message(client, approval_id)


async def make_due(database_url: str, kind: str) -> int:
    """The test's clock: the scheduled timers of `kind` become due now (their jobs)."""
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        cur = await conn.execute(
            """UPDATE procrastinate_jobs SET scheduled_at = now()
                WHERE task_name = 'fire_timer' AND status = 'todo'
                  AND args ->> 'timer_id' IN (
                      SELECT id FROM thread_timers WHERE kind = %s AND status = 'scheduled')""",
            (kind,),
        )
        return cur.rowcount


async def timer_events(client) -> list[dict[str, Any]]:
    events = (await client.get(f"/events?consumer_id={LEAD}")).json()["events"]
    return [e for e in events if e["type"] == "timer"]


async def wait_for_timer_event(client, kind: str) -> dict[str, Any]:
    async def fired():
        done = [
            e
            for e in await timer_events(client)
            if e["payload"]["kind"] == kind and e["status"] != "queued"
        ]
        return done[0] if done else None

    return await wait_for(fired)


async def start(client) -> None:
    await create_creator(client, "ajay_shenoy")
    await create_consumer(client, NEHA)


async def test_a_booking_gets_a_welcome_a_reminder_on_its_timer_and_a_thank_you(database_url):
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    booking = {"booking_id": "bk-1", "service_id": 101, "starts_at": iso(starts)}
    async with running_service(database_url) as client:
        await start(client)
        accepted, event = await post_event(client, "booking_created", booking)
        assert accepted["thread_id"] == f"customer:ajay_shenoy:{LEAD}:bk-1"
        assert event["decision"]["act"] and event["decision"]["reason"] == "booking_welcome"

        # The welcome: the booked service and its time in the lead's zone, by code.
        welcome = await approval(client, event["decision"]["approval_id"])
        local = starts.astimezone(ZoneInfo("Asia/Kolkata"))
        assert "1:1 Career Strategy Call" in welcome["draft"]["body"]
        assert f"{local:%H:%M} (Asia/Kolkata)" in welcome["draft"]["body"]
        assert "30 minute call" in welcome["draft"]["body"]  # what to prepare: its data
        sent = await approve_and_send(client, welcome["id"])
        assert sent["status"] == "recorded"

        # The reminder waits on a timer at starts_at - 24 h, listed on the thread.
        [reminder, thank_you] = (await thread(client))["scheduled"]
        assert reminder["kind"] == "reminder" and thank_you["kind"] == "thank_you"
        assert datetime.fromisoformat(reminder["due_at"]) == starts - timedelta(hours=24)
        assert datetime.fromisoformat(thank_you["due_at"]) == starts + timedelta(minutes=30)

        assert await make_due(database_url, "reminder") == 1
        fired = await wait_for_timer_event(client, "reminder")
        assert fired["decision"]["reason"] == "session_reminder", fired["decision"]
        reminder_draft = await approval(client, fired["decision"]["approval_id"])
        assert "coming up" in reminder_draft["draft"]["body"]
        await approve_and_send(client, reminder_draft["id"])

        # The session is done: a thank-you that suggests the natural next service.
        _, done = await post_event(client, "session_completed", {"booking_id": "bk-1"})
        assert done["decision"]["reason"] == "session_thank_you", done["decision"]
        thanks = await approval(client, done["decision"]["approval_id"])
        assert "How did it go?" in thanks["draft"]["body"]
        # The next step up in price that the lead has not booked.
        assert "Leadership Accelerator (6 weeks)" in thanks["draft"]["body"]
        assert "Resume and LinkedIn Review" not in thanks["draft"]["body"]
        assert (await thread(client))["scheduled"] == []  # the thank-you timer is cancelled

        booked = await thread(client, "bk-1")
        assert [b["status"] for b in booked["bookings"]] == ["completed"]
        assert booked["awaiting_approval"]
        messages = (await client.get("/messages")).json()["messages"]
        assert len(messages) == 2  # welcome and reminder, each once


async def test_a_cancelled_booking_withdraws_its_draft_and_cancels_its_timers(database_url):
    starts = datetime.now(UTC) + timedelta(days=5)
    booking = {"booking_id": "bk-2", "service_id": 101, "starts_at": iso(starts)}
    async with running_service(database_url) as client:
        await start(client)
        _, event = await post_event(client, "booking_created", booking)
        welcome_id = event["decision"]["approval_id"]
        assert len((await thread(client))["scheduled"]) == 2

        _, cancelled = await post_event(client, "booking_cancelled", {"booking_id": "bk-2"})
        assert cancelled["decision"]["reason"] == "booking_cancelled"
        assert (await client.get(f"/approvals/{welcome_id}")).json()["status"] == "withdrawn"
        assert (await thread(client))["scheduled"] == []
        assert await make_due(database_url, "reminder") == 0  # their jobs are cancelled too
        answer = await client.post(f"/approvals/{welcome_id}/decision", json=DECIDE)
        assert answer.status_code == 409
        assert (await client.get("/messages")).json()["messages"] == []
        # The lead no longer has the service: sales may speak of it again.
        _, click = await post_event(client, "service_click", {"service_id": 101})
        assert click["decision"]["reason"] == "service_interest", click["decision"]


async def test_the_sales_agent_stands_aside_for_what_the_lead_booked(database_url):
    async with running_service(database_url) as client:
        await start(client)
        _, pitch = await post_event(client, "service_click", {"service_id": 101})
        assert pitch["decision"]["reason"] == "service_interest"
        pitch_id = pitch["decision"]["approval_id"]

        await post_event(client, "booking_created", {"booking_id": "bk-3", "service_id": 101})
        assert (await client.get(f"/approvals/{pitch_id}")).json()["status"] == "withdrawn"

        async def wait_ended():
            return not (await thread(client))["awaiting_approval"]

        await wait_for(wait_ended)  # the sales thread no longer waits on the withdrawn pitch

        _, click = await post_event(client, "service_click", {"service_id": 101})
        assert not click["decision"]["act"]
        assert click["decision"]["reason"] == "already_enrolled"
        _, view = await post_event(client, "page_view", {"service_id": 101})
        assert not view["decision"]["act"]
        assert view["decision"]["reason"] == "already_enrolled"


async def test_an_unanswered_sales_message_is_followed_up_once(database_url):
    async with running_service(database_url) as client:
        await start(client)
        _, view = await post_event(client, "page_view", {})
        sent_at = datetime.now(UTC)
        await approve_and_send(client, view["decision"]["approval_id"])

        [follow_up] = (await thread(client))["scheduled"]
        assert follow_up["kind"] == "follow_up"
        due = datetime.fromisoformat(follow_up["due_at"])
        assert timedelta(hours=71) < due - sent_at < timedelta(hours=73)

        await make_due(database_url, "follow_up")
        fired = await wait_for_timer_event(client, "follow_up")
        assert fired["decision"]["act"] and fired["decision"]["reason"] == "follow_up"
        await approve_and_send(client, fired["decision"]["approval_id"])
        # max_follow_ups is 1: the follow-up itself is not followed up.
        assert (await thread(client))["scheduled"] == []


async def test_a_reply_before_the_follow_up_stops_it(database_url):
    async with running_service(database_url) as client:
        await start(client)
        _, view = await post_event(client, "page_view", {})
        await approve_and_send(client, view["decision"]["approval_id"])
        _, reply = await post_event(client, "inbound_message", {"text": "Tell me more"})
        assert reply["decision"]["reason"] == "inbound_reply"

        await make_due(database_url, "follow_up")
        fired = await wait_for_timer_event(client, "follow_up")
        assert not fired["decision"]["act"]
        assert fired["decision"]["reason"] == "lead_replied"


async def test_a_timer_scheduled_before_a_restart_fires_once_after_it(database_url):
    starts = datetime.now(UTC) + timedelta(days=3)
    booking = {"booking_id": "bk-4", "service_id": 101, "starts_at": iso(starts)}
    async with running_service(database_url) as client:
        await start(client)
        await post_event(client, "booking_created", booking)
    async with running_service(database_url) as client:  # a new process, the same database
        assert await make_due(database_url, "reminder") == 1
        fired = await wait_for_timer_event(client, "reminder")
        assert fired["decision"]["reason"] == "session_reminder"
        # A second nudge finds nothing to fire: the timer ran once.
        assert await make_due(database_url, "reminder") == 0
        assert len(await timer_events(client)) == 1


async def test_a_booking_event_names_what_its_payload_lacks(database_url):
    async with running_service(database_url) as client:
        await start(client)
        for payload, words in [
            ({"service_id": 101}, "payload.booking_id"),
            ({"booking_id": "bk-5"}, "payload.service_id"),
            ({"booking_id": "bk:5", "service_id": 101}, "payload.booking_id"),
            ({"booking_id": "bk-5", "service_id": 101, "starts_at": "tomorrow"}, "starts_at"),
        ]:
            answer = await client.post(
                "/events",
                json={
                    "creator_id": "ajay_shenoy",
                    "consumer_id": LEAD,
                    "type": "booking_created",
                    "occurred_at": iso(datetime.now(UTC)),
                    "payload": payload,
                },
            )
            assert answer.status_code == 422, answer.text
            assert words in answer.text


async def test_the_agent_settings_set_the_reminder_and_follow_up_times(database_url):
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    async with running_service(database_url) as client:
        await start(client)
        [agent] = (await client.get("/agents")).json()["agents"]
        assert (agent["reminder_hours_before"], agent["follow_up_after_hours"]) == (24, 72)
        changes = {"reminder_hours_before": 2, "max_follow_ups": 0}
        answer = await client.patch(f"/agents/{agent['id']}", json=changes)
        assert answer.status_code == 200, answer.text
        bad = await client.patch(f"/agents/{agent['id']}", json={"max_follow_ups": 9})
        assert bad.status_code == 422 and "max_follow_ups" in bad.text

        booking = {"booking_id": "bk-6", "service_id": 101, "starts_at": iso(starts)}
        await post_event(client, "booking_created", booking)
        reminder = next(t for t in (await thread(client))["scheduled"] if t["kind"] == "reminder")
        assert datetime.fromisoformat(reminder["due_at"]) == starts - timedelta(hours=2)

        _, click = await post_event(client, "service_click", {"service_id": 102})
        await approve_and_send(client, click["decision"]["approval_id"])
        kinds = [t["kind"] for t in (await thread(client))["scheduled"]]
        assert "follow_up" not in kinds  # max_follow_ups 0: none


async def test_a_bookings_messages_are_not_capped_but_opt_out_still_applies(database_url):
    caps_on = {
        "default_max_per_lead_per_day": 1,
        "default_max_per_lead_per_week": 2,
        "default_max_per_creator_per_day": 200,
    }
    async with running_service(database_url, **caps_on) as client:
        await start(client)
        _, click = await post_event(client, "service_click", {"service_id": 102})
        await approve_and_send(client, click["decision"]["approval_id"])  # today's one

        booking = {"booking_id": "bk-7", "service_id": 101}
        _, welcome = await post_event(client, "booking_created", booking)
        assert welcome["decision"]["reason"] == "booking_welcome"  # not frequency_cap
        sent = await approve_and_send(client, welcome["decision"]["approval_id"])
        assert sent["status"] == "recorded" and sent["purpose"] == "service"

        # The lead opts out: the thank-you approved after it is not sent, and says why.
        _, done = await post_event(client, "session_completed", {"booking_id": "bk-7"})
        thanks_id = done["decision"]["approval_id"]
        answer = await client.patch(
            f"/consumers/ajay_shenoy/{LEAD}", json={"consent": {"whatsapp": False}}
        )
        assert answer.status_code == 200, answer.text
        blocked = await approve_and_send(client, thanks_id)
        assert blocked["status"] == "blocked" and blocked["error"].startswith("no_consent")


async def test_a_leads_export_and_erasure_cover_their_bookings_timers_and_consent(database_url):
    starts = datetime.now(UTC) + timedelta(days=3)
    booking = {"booking_id": "bk-8", "service_id": 101, "starts_at": iso(starts)}
    async with running_service(database_url) as client:
        await start(client)
        await post_event(client, "booking_created", booking)
        export = (await client.get(f"/consumers/ajay_shenoy/{LEAD}/export")).json()
        assert [b["booking_id"] for b in export["bookings"]] == ["bk-8"]
        assert sorted(t["kind"] for t in export["scheduled"]) == ["reminder", "thank_you"]
        assert [(e["channel"], e["granted"]) for e in export["consent_ledger"]] == [
            ("whatsapp", True)
        ]

        erased = await client.delete(f"/consumers/ajay_shenoy/{LEAD}")
        assert erased.status_code == 200, erased.text
        deleted = erased.json()["deleted"]
        assert (deleted["bookings"], deleted["timers"], deleted["consent_entries"]) == (1, 2, 1)
        assert await make_due(database_url, "reminder") == 0  # its jobs went with it
        async with await psycopg.AsyncConnection.connect(database_url) as conn:
            cur = await conn.execute(
                "SELECT count(*) FROM checkpoints WHERE thread_id LIKE 'customer:%%'"
            )
            assert (await cur.fetchone())[0] == 0


async def test_an_out_of_office_answer_does_not_stop_the_follow_up(database_url):
    async with running_service(database_url) as client:
        await start(client)
        _, view = await post_event(client, "page_view", {})
        await approve_and_send(client, view["decision"]["approval_id"])
        away = "I am out of the office until Monday and will reply when I am back."
        _, auto = await post_event(client, "inbound_message", {"text": away})
        assert auto["decision"]["reason"] == "auto_reply" and not auto["decision"]["act"]

        await make_due(database_url, "follow_up")
        fired = await wait_for_timer_event(client, "follow_up")
        assert fired["decision"]["act"] and fired["decision"]["reason"] == "follow_up"
