"""Drafts are rendered from placeholders and checked: the drafter's own words hold no fact,
every placeholder names an open service, and the template drafter always passes."""

from __future__ import annotations

from datetime import date

import pytest

from domain.draft_check import render_written_draft
from domain.marketplace import MarketplaceCreator
from domain.profile_writing import build_profile
from domain.template_draft import template_draft
from tests.conftest import load_creator

TODAY = date(2026, 11, 8)


def profile(name: str) -> dict:
    return build_profile(MarketplaceCreator.model_validate(load_creator(name)))


def written(body: str, channel="whatsapp", subject=None, service_ids=()):
    return {"channel": channel, "body": body, "subject": subject, "service_ids": list(service_ids)}


def check(body: str, creator="ajay_shenoy", channel="whatsapp", subject=None, today=TODAY):
    return render_written_draft(
        written(body, channel, subject), profile(creator), channel, "Neha", today
    )


def test_placeholders_are_rendered_from_the_creators_data():
    draft, findings = check(
        "Hi {{first_name}}, {{title:103}} is {{price:103}} and {{schedule:103}} "
        "({{seats_left:103}}): {{link:103}}. {{creator_name}} is rated {{rating}}."
    )
    assert findings == []
    assert draft["body"] == (
        "Hi Neha, Leadership Accelerator (6 weeks) is ₹24,999 one-time and starts Saturday "
        "9 January 2027, at 10:00 (Asia/Kolkata), 6 sessions (13 seats left): "
        "https://marketplace.example/ajay_shenoy/103. Ajay Shenoy is rated 4.9/5 from 187 "
        "reviews."
    )
    assert draft["service_ids"] == [103]
    assert draft["written"]["body"].startswith("Hi {{first_name}}")


def test_price_phrases_carry_their_interval():
    assert "€90 per session" in check("{{price:301}}", "lena_designs")[0]["body"]
    assert "$149 one-time" in check("{{price:201}}", "maya_lifts")[0]["body"]
    assert "free" in check("{{price:203}}", "maya_lifts")[0]["body"]


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("The call is ₹1,499", "price"),
        ("The call is 1499 rupees", "digits"),
        ("It costs ninety nine bucks", "price"),
        ("Book at https://win-prizes.example/claim", "link"),
        ("Book at win-prizes.example/claim now", "link"),
        ("Write to me at ajay@example.com", "contact"),
        ("Call me on +९१ ९८७६५", "digits"),
        ("<b>Book</b> now", "markup"),
        ("Only {{seats_left:101}}", "slot"),  # no seat count for that service
        ("{{title:999}} is great", "service"),
        ("{{price}} only", "slot"),
        ("Book {{title:101 now", "slot"),
        ("Book javascript:alert(1)", "link"),
    ],
)
def test_facts_in_the_drafters_own_words_fail(body, rule):
    _, findings = check(body)
    assert rule in {f["rule"] for f in findings}, findings


def test_zero_width_characters_do_not_hide_a_number_or_a_link():
    _, findings = check("Only ₹\u200b1\u200b4\u200b9\u200b9 at win\u200b-prizes\u200b.com")
    assert {"price", "digits", "link"} <= {f["rule"] for f in findings}


def test_a_sold_out_or_ended_service_cannot_be_named():
    _, sold_out = check("{{title:302}} is open", "lena_designs")
    assert [f["rule"] for f in sold_out] == ["service"]
    # Lena's webinar starts on 3 December 2026: after that day it is over.
    _, ended = check("{{title:303}}", "lena_designs", today=date(2026, 12, 4))
    assert [f["rule"] for f in ended] == ["service"]
    _, another_creators = check("{{title:201}}")
    assert [f["rule"] for f in another_creators] == ["service"]


def test_length_subject_and_channel_rules():
    assert "length" in {f["rule"] for f in check("word " * 250)[1]}
    assert "length" in {f["rule"] for f in check("hi", channel="email")[1]}
    _, wrong = render_written_draft(
        written("hi", "email"), profile("ajay_shenoy"), "whatsapp", "Neha", TODAY
    )
    assert "channel" in {f["rule"] for f in wrong}


@pytest.mark.parametrize(
    "creator", ["ajay_shenoy", "maya_lifts", "lena_designs", "growth_hacker_x", "quiet_creator"]
)
@pytest.mark.parametrize(
    "reason", ["new_lead", "returning_lead", "service_interest", "inbound_reply"]
)
@pytest.mark.parametrize("channel", ["whatsapp", "email"])
def test_template_drafts_always_pass_the_check(creator, reason, channel):
    facts = profile(creator)
    for service in [None] + [s["id"] for s in facts["services"]]:
        answer = template_draft(facts, {"reason": reason, "service_id": service}, channel, TODAY)
        draft, findings = render_written_draft(answer, facts, channel, "Alex", TODAY)
        assert findings == [], (answer, findings)
        assert "{{" not in draft["body"] and "}}" not in draft["body"]


def test_template_drafts_never_carry_the_creator_bio():
    facts = profile("growth_hacker_x")
    answer = template_draft(facts, {"reason": "new_lead", "service_id": None}, "email", TODAY)
    draft, _ = render_written_draft(answer, facts, "email", "Alex", TODAY)
    text = (draft["subject"] + draft["body"]).lower()
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


def hostile_creator() -> dict:
    data = load_creator("ajay_shenoy")
    data["user"]["display_name"] = "Ajay Shenoy | 50% off today, WhatsApp +91 98765 43210"
    data["services"][0]["title"] = "Career Call - h\u200balf price today only"
    data["services"][1]["title"] = "Resume Review: pay via UPI at ajay.pay/now"
    return build_profile(MarketplaceCreator.model_validate(data))


@pytest.mark.parametrize("channel", ["whatsapp", "email"])
@pytest.mark.parametrize("service_id", [None, 101, 102, 103])
def test_template_drafts_for_a_hostile_creator_carry_no_offer_link_or_phone(channel, service_id):
    facts = hostile_creator()
    decision = {"reason": "service_interest", "service_id": service_id}
    answer = template_draft(facts, decision, channel, TODAY)
    draft, findings = render_written_draft(answer, facts, channel, "Alex", TODAY)
    assert findings == []
    text = f"{draft['subject'] or ''} {draft['body']}".lower()
    for banned in ("50%", "off today", "+91", "98765", "half", "only", "upi", "ajay.pay"):
        assert banned not in text, (banned, text)
    assert "ajay shenoy" in text  # the name itself, without the advert
    assert draft["service_ids"] and set(draft["service_ids"]) <= {103, 104}


def test_words_ending_like_a_short_scheme_are_not_links():
    from domain.own_words import own_words_findings

    for text in ("Our hotel: the Grand.", "See the metadata: nothing.", "Ottawa: a lovely city."):
        assert not [f for f in own_words_findings(text, "email") if f["rule"] == "link"], text
    assert [f for f in own_words_findings("call tel:12", "email") if f["rule"] == "link"]
