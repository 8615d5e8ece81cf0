"""Unsubscribe tokens name one lead of one creator and cannot be made or changed without
the secret."""

from __future__ import annotations

from domain.unsubscribe_tokens import MAX_TOKEN_LENGTH, UnsubscribeTarget, sign, verify

SECRET = b"k" * 32


def test_a_token_names_its_lead_and_creator():
    token = sign(SECRET, "maya_lifts", "c-2001")
    assert verify(SECRET, token) == UnsubscribeTarget("maya_lifts", "c-2001")
    # URL-safe as it is: no escaping in a link or a mailto subject.
    assert all(c.isalnum() or c in "._-" for c in token)


def test_ids_of_any_text_round_trip():
    token = sign(SECRET, "créatrice", "lead with spaces/and.dots")
    assert verify(SECRET, token) == UnsubscribeTarget("créatrice", "lead with spaces/and.dots")


def test_another_secret_or_a_changed_token_is_refused():
    token = sign(SECRET, "maya_lifts", "c-2001")
    assert verify(b"x" * 32, token) is None
    # Another lead's id put into a valid token: the MAC no longer fits.
    other = sign(SECRET, "maya_lifts", "c-2002").split(".")
    mixed = ".".join(token.split(".")[:2] + [other[2], token.split(".")[3]])
    assert verify(SECRET, mixed) is None
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert verify(SECRET, flipped) is None


def test_tokens_differ_per_lead_and_per_creator():
    tokens = {
        sign(SECRET, "maya_lifts", "c-2001"),
        sign(SECRET, "maya_lifts", "c-2002"),
        sign(SECRET, "ajay_shenoy", "c-2001"),
    }
    assert len(tokens) == 3


def test_junk_is_refused_without_raising():
    for junk in (
        "",
        "u1",
        "u1...",
        "u2.a.b.c",
        "u1.!!.??.mac",
        "x" * (MAX_TOKEN_LENGTH + 1),
        "u1.é.b.c",
        "u1.YQ.Yg.c.d",
    ):
        assert verify(SECRET, junk) is None
