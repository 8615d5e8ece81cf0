"""The sending rules' order, quiet hours across midnight and DST, caps and the window."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from domain.compliance import (
    NO_RULES,
    OutreachCounts,
    SendFacts,
    SendingRules,
    check_send,
    next_allowed_minute,
    purpose_of,
)

NOON_KOLKATA = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)  # 12:00 in Asia/Kolkata
ALLOWED_FACTS = SendFacts(
    channel="whatsapp",
    consent=True,
    timezone="Asia/Kolkata",
    last_inbound_at=(NOON_KOLKATA - timedelta(hours=1)).isoformat(),
)


def test_everything_allowed_sends():
    assert check_send(ALLOWED_FACTS, NOON_KOLKATA).allowed


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        # Each later rule is broken too: the first in the order is the one reported.
        ({"suppressed": "bounce", "opted_out": True, "consent": False}, "suppressed"),
        ({"opted_out": True, "consent": False}, "opted_out"),
        ({"consent": False, "counts": OutreachCounts(5, 5, 5)}, "no_consent"),
        ({"counts": OutreachCounts(1, 1, 1), "last_inbound_at": None}, "frequency_cap"),
        ({"last_inbound_at": None}, "outside_window"),
    ],
)
def test_rules_apply_in_order(changes, reason):
    facts = SendFacts(**{**ALLOWED_FACTS.__dict__, **changes})
    verdict = check_send(facts, NOON_KOLKATA)
    assert not verdict.allowed and verdict.reason == reason


def test_quiet_hours_come_before_caps_and_move_the_send():
    facts = SendFacts(**{**ALLOWED_FACTS.__dict__, "counts": OutreachCounts(9, 9, 9)})
    three_am = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)  # 03:00 in Kolkata
    verdict = check_send(facts, three_am)
    assert verdict.reason == "quiet_hours"
    assert verdict.send_at == datetime(2026, 11, 21, 2, 30, tzinfo=UTC)  # 08:00 Kolkata


def test_a_late_evening_send_waits_for_the_next_morning():
    ten_pm = datetime(2026, 11, 21, 16, 30, tzinfo=UTC)  # 22:00 in Kolkata
    assert next_allowed_minute(ten_pm, "Asia/Kolkata", SendingRules()) == datetime(
        2026, 11, 22, 2, 30, tzinfo=UTC
    )


def test_the_next_morning_is_wall_clock_across_a_dst_change():
    # New York leaves DST on 2026-11-01: 08:00 that morning is 13:00 UTC, not 12:00.
    night = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 00:00 EDT
    assert next_allowed_minute(night, "America/New_York", SendingRules()) == datetime(
        2026, 11, 1, 13, 0, tzinfo=UTC
    )


def test_daytime_quiet_hours_and_none():
    lunch = SendingRules(quiet_start=time(12, 0), quiet_end=time(13, 0))
    noon = NOON_KOLKATA
    assert next_allowed_minute(noon, "Asia/Kolkata", lunch) == noon + timedelta(hours=1)
    assert next_allowed_minute(noon, "Asia/Kolkata", NO_RULES) == noon


def test_an_unknown_zone_is_read_as_utc():
    three_am_utc = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    assert next_allowed_minute(three_am_utc, "Mars/Olympus", SendingRules()) == datetime(
        2026, 11, 21, 8, 0, tzinfo=UTC
    )


def test_replies_and_booking_messages_are_not_capped():
    capped = SendFacts(**{**ALLOWED_FACTS.__dict__, "counts": OutreachCounts(3, 3, 300)})
    assert check_send(capped, NOON_KOLKATA).reason == "frequency_cap"
    for purpose in ("reply", "service"):
        assert check_send(
            SendFacts(**{**capped.__dict__, "purpose": purpose}), NOON_KOLKATA
        ).allowed
    assert purpose_of("inbound_reply") == "reply" and purpose_of("new_lead") == "sales"


def test_email_has_no_window():
    email = SendFacts(channel="email", consent=True, timezone="Asia/Kolkata")
    assert check_send(email, NOON_KOLKATA).allowed
