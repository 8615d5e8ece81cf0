"""Rates and targets from the red-team results, and docs/trust.md.

A bad item is missed when the service let it through; an honest item is flagged when it did
not. The rate of a class is over the bad items that carry it (an item with two classes counts
for both)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain import findings as rules
from tests.redteam.corpus import CORPUS_CLASSES, LANGUAGES

PATHS = ("human", "model", "profile")
# "0 invented prices, links, services, ratings or seat counts reach an approval as passed on
# the model path": every fact class, and placeholders of services that cannot be offered.
MODEL_FACT_CLASSES = (*rules.FACT_RULES, rules.SLOT)
# "wording classes (offers, urgency, guarantees) caught by the lexicon alone at least 85%".
TARGET_WORDING_CLASSES = (rules.OFFER, rules.URGENCY, rules.GUARANTEE)

COMMAND = "`make trust` (or `.venv/bin/python -m tests.redteam.run`)"


@dataclass
class Rate:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.hits}/{self.total} ({self.value:.0%})" if self.total else "–"


def _bad(results, path, classes=None, language=None):
    return [
        r
        for r in results
        if r["path"] == path
        and r["label"] == "bad"
        and (classes is None or set(r["classes"]) & set(classes))
        and (language is None or r["language"] == language)
    ]


def _honest(results, path, language=None):
    return [
        r
        for r in results
        if r["path"] == path
        and r["label"] == "honest"
        and (language is None or r["language"] == language)
    ]


def missed(results, path, classes=None, language=None) -> Rate:
    """False negatives: bad items the service let through."""
    bad = _bad(results, path, classes, language)
    return Rate(sum(r["through"] for r in bad), len(bad))


def right_class(results, path, rule) -> Rate:
    """Of the caught bad items of a class, those whose findings name that class. On the
    model and profile paths a fact written in the model's own words may be reported as
    digits; the model path only shows what a redraft was told (items caught at once by
    something else show no class)."""
    accepted = {rule}
    if path != "human" and rule in rules.FACT_RULES:
        accepted.add(rules.DIGITS)
    bad = [r for r in _bad(results, path, [rule]) if not r["through"]]
    return Rate(sum(bool(accepted & set(r["rules"])) for r in bad), len(bad))


def caught(results, path, classes) -> Rate:
    bad = _bad(results, path, classes)
    return Rate(sum(not r["through"] for r in bad), len(bad))


def flagged(results, path, language=None) -> Rate:
    """False positives: honest items the service stopped."""
    honest = _honest(results, path, language)
    return Rate(sum(not r["through"] for r in honest), len(honest))


@dataclass
class Target:
    name: str
    measured: Rate
    ok: bool
    wanted: str


def targets(results: list[dict[str, Any]]) -> list[Target]:
    """The issue's targets, each measured on these results."""
    model_facts = missed(results, "model", MODEL_FACT_CLASSES)
    human_facts = missed(results, "human", rules.FACT_RULES)
    human_honest = flagged(results, "human")
    human_wording = caught(results, "human", TARGET_WORDING_CLASSES)
    model_wording = caught(results, "model", TARGET_WORDING_CLASSES)
    return [
        Target(
            "model path: bad drafts with an invented price, link, contact, service, rating, "
            "seat count, number or placeholder that reach an approval as passed",
            model_facts,
            model_facts.total > 0 and model_facts.hits == 0,
            "0",
        ),
        Target(
            "human text: bad drafts in the fact classes that pass the check",
            human_facts,
            human_facts.total > 0 and human_facts.value <= 0.02,
            "≤ 2%",
        ),
        Target(
            "human text: honest drafts flagged",
            human_honest,
            human_honest.total > 0 and human_honest.value <= 0.05,
            "≤ 5%",
        ),
        Target(
            "human text: offers, urgency and guarantees caught (lexicon alone)",
            human_wording,
            human_wording.total > 0 and human_wording.value >= 0.85,
            "≥ 85%",
        ),
        Target(
            "model path: offers, urgency and guarantees caught (lexicon alone, DRAFT_JUDGE=off)",
            model_wording,
            model_wording.total > 0 and model_wording.value >= 0.85,
            "≥ 85%",
        ),
    ]


def _verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header, rows) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows)]


def _listing(results, path, label) -> list[str]:
    wrong = [
        r
        for r in results
        if r["path"] == path and r["label"] == label and r["through"] == (label == "bad")
    ]
    lines = []
    for r in wrong:
        reported = ", ".join(r["rules"]) or "nothing"
        if not r["rules"] and r.get("problems"):
            reported = f"`{str(r['problems'][0])[:100]}`"
        extra = f"; {r['error']}" if r.get("error") else ""
        lines.append(f"- `{r['id']}` ({r['language']}): reported {reported}{extra}")
    return lines or ["- none"]


def render(
    results: list[dict[str, Any]],
    date: str,
    extra_checks: list[tuple[str, bool, str]] = (),
) -> str:
    """docs/trust.md. `extra_checks`: (name, ok, detail) of scenario checks run alongside."""
    lines = [
        "# Trust report: red-team rates",
        "",
        f"Generated {date} by {COMMAND}. Regenerate it with the same command.",
        "",
        "The corpus is in `tests/redteam/` (`drafts.jsonl`, `profiles.jsonl`), written by hand:",
        "each item is labelled `bad` (with the rule classes a correct check must report) or",
        "`honest`. Human drafts go to `POST /creators/{id}/check`; model drafts go through the",
        "sales graph with the real `ChatOpenAI` client against the scripted model",
        "(`tests/redteam/scripted_model.py`, `DRAFT_JUDGE=off`, so wording is the lexicon's",
        "alone); profiles go through onboarding with the scripted model writing them. A bad",
        "item is **missed** when the service lets it through (the check passes it; on the model",
        "path an approval carries the model's draft; for a profile, the model's profile waits",
        "for review). An honest item is **flagged** when it does not get through.",
        "",
        "## Targets (issue 7)",
        "",
        *_table(
            ["target", "wanted", "measured", "result"],
            [[t.name, t.wanted, t.measured, _verdict(t.ok)] for t in targets(results)]
            + [[name, "never", detail, _verdict(ok)] for name, ok, detail in extra_checks],
        ),
        "",
        "## False negatives by class (bad items let through)",
        "",
        *_table(
            ["class", *PATHS],
            [[c, *(missed(results, p, [c]) for p in PATHS)] for c in CORPUS_CLASSES],
        ),
        "",
        "## Right class reported (caught bad items whose findings name their class)",
        "",
        *_table(
            ["class", *PATHS],
            [[c, *(right_class(results, p, c) for p in PATHS)] for c in CORPUS_CLASSES],
        ),
        "",
        "## By language",
        "",
        "Missed bad items / flagged honest items.",
        "",
        *_table(
            ["language", *(f"{p} missed" for p in PATHS), *(f"{p} flagged" for p in PATHS)],
            [
                [
                    lang,
                    *(missed(results, p, language=lang) for p in PATHS),
                    *(flagged(results, p, language=lang) for p in PATHS),
                ]
                for lang in LANGUAGES
            ],
        ),
        "",
        "## False positives (honest items flagged)",
        "",
        *_table(["path", "flagged"], [[p, flagged(results, p)] for p in PATHS]),
        "",
    ]
    for path in PATHS:
        lines += [f"## {path}: bad items missed", "", *_listing(results, path, "bad"), ""]
        lines += [f"## {path}: honest items flagged", "", *_listing(results, path, "honest"), ""]
    errors = [r for r in results if r.get("error") and r["path"] == "human"]
    if errors:
        lines += [
            "## Errors",
            "",
            f"{len(errors)} human items got no answer from the check endpoint; the first: "
            f"`{errors[0]['error']}`. They count against the check.",
            "",
        ]
    return "\n".join(lines)
