"""Text as a creator would send it, checked against their data (domain.human_check)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.human_check import WORDING_CHECKS, ProfileLookups, check_rendered_text, check_with
from domain.marketplace import MarketplaceCreator
from domain.profile import build_facts
from domain.text_facts import scan
from tests.conftest import load_creator


def facts(username: str) -> dict:
    return build_facts(MarketplaceCreator.model_validate(load_creator(username)))


AJAY, LENA, MAYA = facts("ajay_shenoy"), facts("lena_designs"), facts("maya_lifts")
CALL_LINK = "https://marketplace.example/ajay_shenoy/101"


def rules(text: str, profile: dict = AJAY, channel: str = "whatsapp", subject=None) -> list[str]:
    return [f["rule"] for f in check_rendered_text(text, profile, channel, subject)]


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("₹2,999", 2999, "INR"),
        ("₹ 2,999", 2999, "INR"),
        ("2,999₹", 2999, "INR"),
        ("Rs. 2999", 2999, "INR"),
        ("INR 2999", 2999, "INR"),
        ("2999/-", 2999, "INR"),
        ("$60", 60, "USD"),
        ("60 USD", 60, "USD"),
        ("70 €", 70, "EUR"),
        ("£120", 120, "GBP"),
        ("2.5k", 2500, None),
        ("99 bucks", 99, None),
        ("two thousand rupees", 2000, "INR"),
        ("twenty-four thousand nine hundred and ninety-nine rupees", 24999, "INR"),
        ("do hazaar rupaye", 2000, "INR"),
        ("dos mil euros", 2000, "EUR"),
        ("₹१,९९९", 1999, "INR"),
        ("€1.999,50", 1999.5, "EUR"),
        ("the fee is 4999", 4999, None),
    ],
)
def test_prices_are_read_in_every_common_form(text, amount, currency):
    [price] = scan(f"It is {text} today.").prices
    assert (price.amount, price.currency) == (amount, currency)


@pytest.mark.parametrize(
    "text",
    [
        "It takes 30 minutes on 2027-01-09 at 10:00-12:00.",
        "Join 2.5k students.",
        "I have coached for 15 years.",
        "The 1:1 call",
    ],
)
def test_numbers_that_are_not_prices(text):
    assert scan(text).prices == []


@pytest.mark.parametrize(
    "text",
    [
        f"Hi Neha, the 1:1 Career Strategy Call is ₹1,999: {CALL_LINK}",
        "₹999 for the Resume and LinkedIn Review and ₹1,999 for the Career Strategy Call.",
        "The Resume and LinkedIn Review is Rs. 999, the Priority DM 499 rupees.",
        "My Leadership Accelerator starts 9 Jan 2027, 13 seats left, ₹24,999.",
        "Rated 4.9/5 across 187 reviews. See https://marketplace.example/ajay_shenoy",
        "Hi Neha, what role are you aiming for in the next 6-12 months?",
        "The call is ₹1,999 per session.",
    ],
)
def test_honest_text_passes(text):
    assert check_rendered_text(text, AJAY, "whatsapp") == []


@pytest.mark.parametrize(
    "text",
    [
        "The Career Strategy Call is ₹24,999.",  # a real price, of another service
        "The Career Strategy Call is ₹ 2,999.",
        "The Career Strategy Call is 2,999₹.",
        "The Career Strategy Call is only 2k.",
        "The Career Strategy Call is 25 bucks.",
        "The Career Strategy Call is two thousand rupees.",
        "The Career Strategy Call is $1999.",  # the right number in the wrong currency
        "₹999 for the Career Strategy Call and ₹1,999 for the Resume and LinkedIn Review.",
        "Everything is ₹2,999.",  # no service near it, and no service costs that
        "The Career Strategy Call is ₹1,999 a month.",  # a one-off price sold as monthly
        "The Care\u200ber Strategy Call is ₹2,999.",  # zero-width characters change nothing
        "The Сareer Strategy Call is ₹2,999.",  # Cyrillic С
    ],
)
def test_a_price_must_be_the_price_of_the_service_it_is_next_to(text):
    assert "price" in rules(text)


def test_a_price_with_no_service_named_is_compared_with_the_only_service_mentioned():
    # The only service in the text is the call; ₹999 is a real price, of another service.
    assert "price" in rules("About the Career Strategy Call. It is ₹999.")
    assert rules("About the Career Strategy Call. It is ₹1,999.") == []


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("http://marketplace.example/ajay_shenoy/101", "secure"),
        ("marketplace.example/ajay_shenoy/101", "full link"),
        (f"{CALL_LINK}?ref=x", "not a booking link"),
        ("https://evil.example/pay", "not a booking link"),
        ("bit.ly/ajay-call", "not a booking link"),
        ("www.evil.io", "not a booking link"),
        ("javascript:alert(1)", "not a booking link"),
    ],
)
def test_every_link_is_exactly_a_booking_link_or_the_profile(text, detail):
    [found] = check_rendered_text(f"Book here: {text} and see you", AJAY, "email")
    assert found["rule"] == "link" and detail in found["detail"]


def test_a_link_of_another_service_next_to_a_title_is_flagged():
    text = "Book the Priority DM: https://marketplace.example/ajay_shenoy/103"
    assert rules(text) == ["link"]


def test_links_of_closed_services_are_flagged():
    assert "link" in rules("Join: https://marketplace.example/lena_designs/302", LENA)


@pytest.mark.parametrize(
    "text",
    ["Mail me at ajay@example.com", "WhatsApp me on +91 98765 43210", "Call (555) 123-4567"],
)
def test_email_addresses_and_phone_numbers_are_contact_findings(text):
    # "WhatsApp me on ..." is also a request to talk off the platform (the lexicon's).
    assert rules(text)[0] == "contact" and set(rules(text)) <= {"contact", "off_platform"}


def test_sold_out_and_ended_services_are_service_findings():
    assert rules("The 3-Month UX Switch Mentorship is open again.", LENA) == ["service"]
    text = "Join Breaking into UX: Q&A night."
    assert rules(text, LENA) == []
    ended = check_with(ProfileLookups(LENA, today=date(2026, 12, 4)), text, "whatsapp")
    assert [f["rule"] for f in ended] == ["service"] and "ended" in ended[0]["detail"]


def test_service_like_names_not_in_the_data_are_invented():
    assert rules("Join my VIP Mastermind next week.") == ["invented_service"]
    assert rules("Join my Engineering Manager Bootcamp.") == ["invented_service"]
    assert rules("The Leadership Accelerator is a good fit.") == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Rated 4.8/5 by my students.", "rating"),
        ("5 stars from everyone!", "rating"),
        ("Over 500 reviews!", "rating"),
        ("Only 3 seats left in the Leadership Accelerator.", "seats"),
        ("The Accelerator has only five spots left.", "seats"),
        ("The Career Strategy Call has 2 seats left.", "seats"),  # no seat count for it
    ],
)
def test_ratings_and_seat_counts_must_match_the_data(text, rule):
    # "Only N left" is also scarcity (the lexicon's urgency class).
    assert rules(text)[0] == rule and set(rules(text)) <= {rule, "urgency"}


def test_matching_ratings_and_seats_pass():
    assert (
        rules("Rated 4.9 stars by 187 reviews; 13 seats left in the Leadership Accelerator.") == []
    )
    assert "rating" in rules("Rated 4.9 stars.", facts("quiet_creator"))


@pytest.mark.parametrize(
    "text", ["<b>Hi</b> Neha", "Hi &amp; welcome", "[Book](https://x.example)", "Hi\u202eNeha"]
)
def test_markup_and_invisible_characters(text):
    assert "markup" in rules(text)


def test_emoji_sequences_are_not_markup():
    assert rules("Hi Neha 👨\u200d💻") == []


def test_length_per_channel_and_subject():
    assert rules("x" * 1001) == ["length"]
    assert rules("x" * 1001, channel="email") == []
    assert rules("Hi", channel="email", subject="s" * 151) == ["length"]
    assert rules("  ") == ["length"]


def test_the_subject_is_checked_too():
    assert rules("Hi Neha", channel="email", subject="Career Strategy Call for ₹2,999") == ["price"]


def test_wording_checks_plug_in(monkeypatch):
    def no_free(text: str) -> list:
        return [{"rule": "offer", "text": "free", "detail": "x"}] if "free" in text else []

    monkeypatch.setattr("domain.human_check.WORDING_CHECKS", [*WORDING_CHECKS, no_free])
    # The wording check sees the normalised text: the zero-width space hides nothing.
    assert set(rules("It is fr\u200bee")) == {"offer", "markup"}


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError, match="channel"):
        check_rendered_text("Hi", AJAY, "sms")


def test_numbers_and_generic_words_of_a_title_name_no_service():
    # "6 weeks" (from "Leadership Accelerator (6 weeks)") and "1:1" (from "1:1 Career
    # Strategy Call") name neither service: the prices are compared with every open one.
    assert rules("In the next 6 weeks, ₹999 gets you a written review.") == []
    assert rules("Ask me anything 1:1 for ₹499.") == []
