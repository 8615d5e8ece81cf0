"""Creator text is data at intake: cleaned as a reader sees it, and names or titles that
carry an offer, a price, a link or contact details are reported (domain.intake)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.intake import intake_findings
from domain.marketplace import MarketplaceCreator
from domain.sanitize import clean_text
from tests.conftest import load_creator


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Aj\u200bay\u202e Shenoy", "Ajay Shenoy"),
        ("<b>Ajay</b> <script>x</script>", "Ajay x"),
        ("Q&amp;A &lt;i&gt;night&lt;/i&gt;", "Q&A night"),
        ("&amp;lt;b&amp;gt;bold", "bold"),
        ("１:１ Ｃall", "1:1 Call"),
        ("x&#8203;y", "xy"),
        ("&#65308;script&#65310;", ""),
        ("a < b > c, AT&T, R&D, Q&A", "a < b > c, AT&T, R&D, Q&A"),
        ("line one\nline\ttwo\x1b", "line one\nline\ttwo"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean
    assert clean_text(clean_text(raw)) == clean_text(raw)


def hostile() -> dict:
    data = load_creator("ajay_shenoy")
    data["user"]["display_name"] = "Priya Rao | 50 percent o\u200bff today"
    data["services"][0]["title"] = "Career Call ₹999 only, call +91 98765 43210"
    data["services"][1]["title"] = "Fr\u200bee Resume Review at <b>priya.in</b>"
    data["services"][2]["title"] = "Leadership Accelerator 30% d\u200biscount"
    data["services"][2]["schedule"]["note"] = "<i>hi</i>\u200b"
    return data


def test_every_text_field_is_stored_clean():
    creator = MarketplaceCreator.model_validate(hostile())
    assert creator.user.display_name == "Priya Rao | 50 percent off today"
    assert creator.services[1].title == "Free Resume Review at priya.in"
    assert creator.services[2].schedule["note"] == "hi"
    # Cleaning twice changes nothing: stored data validates to itself.
    again = MarketplaceCreator.model_validate(creator.model_dump(mode="json"))
    assert again.model_dump() == creator.model_dump()


def test_names_and_titles_that_advertise_are_findings():
    found = intake_findings(MarketplaceCreator.model_validate(hostile()))
    by_rule = {(f["rule"], f["detail"].split(" ")[0]) for f in found}
    assert by_rule == {
        ("offer", "user.display_name"),
        ("price", "services.0.title"),
        ("contact", "services.0.title"),
        ("offer", "services.1.title"),
        ("link", "services.1.title"),
        ("offer", "services.2.title"),
    }


@pytest.mark.parametrize(
    "username", ["ajay_shenoy", "lena_designs", "maya_lifts", "growth_hacker_x", "quiet_creator"]
)
def test_ordinary_creators_have_no_findings(username):
    # Maya's free live class may say "free" in its title: it is free.
    assert intake_findings(MarketplaceCreator.model_validate(load_creator(username))) == []


def test_the_caps_apply_before_cleaning_and_name_the_field():
    data = load_creator("ajay_shenoy")
    data["user"]["bio"] = "x" * 200_000
    with pytest.raises(ValidationError) as error:
        MarketplaceCreator.model_validate(data)
    assert error.value.errors()[0]["loc"] == ("user", "bio")


def test_a_name_that_normalisation_lengthens_past_its_cap_is_refused():
    data = load_creator("ajay_shenoy")
    data["user"]["display_name"] = "\ufdfa" * 20  # one character, 18 once NFKC-normalised
    with pytest.raises(ValidationError, match="display_name is longer than 200"):
        MarketplaceCreator.model_validate(data)
