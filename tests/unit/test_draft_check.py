"""The grounding check catches invented prices, links, offers and closed services."""

from __future__ import annotations

import pytest

from domain.draft_check import check_draft_text
from domain.marketplace import MarketplaceCreator
from domain.profile_writing import build_profile
from domain.template_draft import template_draft
from tests.conftest import load_creator


def profile(name: str) -> dict:
    return build_profile(MarketplaceCreator.model_validate(load_creator(name)))


def draft(body: str, channel="whatsapp", subject=None, service_ids=()):
    return {"channel": channel, "body": body, "subject": subject, "service_ids": list(service_ids)}


def test_a_grounded_message_passes():
    body = (
        "Hi Neha, the 1:1 Career Strategy Call is ₹1,999: "
        "https://marketplace.example/ajay_shenoy/101"
    )
    assert (
        check_draft_text(draft(body, service_ids=[101]), profile("ajay_shenoy"), "whatsapp") == []
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("Today only: book the call now", "today only"),
        ("The call is ₹1,499", "price INR 1,499"),
        ("Book at https://win-prizes.example/claim", "link https://win-prizes.example/claim"),
        ("Book at win-prizes.example/claim now", "link win-prizes.example/claim"),
        ("Our first call is free", "calls something free"),
        ("Use code SAVE20 for a 20% off discount", "discount"),
        ("Guaranteed promotion in 90 days", "guaranteed"),
        ("<script>alert(1)</script>", "markup"),
        ("Join the VIP Mastermind next week", "'VIP Mastermind' is not a service"),
    ],
)
def test_invented_facts_are_caught(body, problem):
    problems = check_draft_text(draft(body), profile("ajay_shenoy"), "whatsapp")
    assert any(problem in p for p in problems), problems


def test_a_sold_out_service_cannot_be_offered_or_linked():
    lena = profile("lena_designs")
    body = "The mentorship is €180/month: https://marketplace.example/lena_designs/302"
    problems = check_draft_text(draft(body, service_ids=[302]), lena, "whatsapp")
    assert any("302" in p for p in problems)
    assert any("EUR 180" in p for p in problems)
    assert any("sold_out" in p for p in problems)


def test_length_and_subject_rules_per_channel():
    ajay = profile("ajay_shenoy")
    assert any("characters" in p for p in check_draft_text(draft("x" * 1001), ajay, "whatsapp"))
    assert any("subject" in p for p in check_draft_text(draft("hi", "email"), ajay, "email"))


@pytest.mark.parametrize(
    "creator", ["ajay_shenoy", "maya_lifts", "lena_designs", "growth_hacker_x"]
)
@pytest.mark.parametrize(
    "reason", ["new_lead", "returning_lead", "service_interest", "inbound_reply"]
)
@pytest.mark.parametrize("channel", ["whatsapp", "email"])
def test_template_drafts_always_pass_the_check(creator, reason, channel):
    facts = profile(creator)
    for service in [None] + [s["id"] for s in facts["services"]]:
        written = template_draft(
            facts, "Alex Morgan", {"reason": reason, "service_id": service}, channel
        )
        assert check_draft_text(written, facts, channel) == [], written


def test_template_drafts_never_carry_the_creator_bio():
    facts = profile("growth_hacker_x")
    written = template_draft(facts, "Alex", {"reason": "new_lead", "service_id": None}, "email")
    text = (written["subject"] + written["body"]).lower()
    for banned in [
        "free",
        "0000-1111",
        "bank transfer",
        "win-prizes",
        "10x",
        "guaranteed",
        "<script",
        "ignore",
        "system",
    ]:
        assert banned not in text
