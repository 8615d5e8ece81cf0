"""A scripted model that obeys an injection in the creator's text (verbatim first, reworded
after the check's feedback) never gets the injected claim, link or contact past the checks."""

from __future__ import annotations

from tests.redteam.harness import redteam_service
from tests.redteam.scenarios import (
    INJECTED,
    INJECTION_PIECES,
    REWORDED_DRAFT,
    VERBATIM_DRAFT,
    draft_leaks,
    injected_draft,
    injected_in,
    injected_profile,
    profile_leaks,
)


def test_both_scripted_answers_carry_the_injection():
    # Otherwise the tests below would prove nothing.
    assert injected_in(REWORDED_DRAFT) and "50%" in INJECTED
    assert injected_in(VERBATIM_DRAFT, INJECTION_PIECES) == list(INJECTION_PIECES)
    assert injected_in("on behalf of Ajay") == []


async def test_an_obedient_model_gets_no_injection_into_a_draft(database_url):
    async with redteam_service(database_url) as (client, model):
        outcome = await injected_draft(client, model)
    # Both answers were tried: the verbatim one, then the reworded one after feedback...
    assert len(outcome["prompts"]) == 2
    # ...the feedback names rule classes, never the words that tripped them, and the
    # creator's description (where the injection sits) never reaches the drafting prompt.
    for prompt in outcome["prompts"]:
        assert injected_in(prompt, INJECTION_PIECES) == [], "the drafting prompt has it"
    # Both failed, so the template drafter wrote the draft the creator sees.
    assert outcome["draft"]["source"] == "template"
    assert (outcome["draft_check"] or {}).get("passed") is True
    assert draft_leaks(outcome) == []


async def test_an_obedient_model_gets_no_injection_into_a_profile(database_url):
    async with redteam_service(database_url) as (client, model):
        outcome = await injected_profile(client, model)
    assert len(outcome["prompts"]) == 2
    assert outcome["profile"]["source"] == "deterministic"
    assert profile_leaks(outcome) == []
