"""Whether the agent approves a draft itself, by its approval mode. Pure: no I/O.

- `manual`: every draft waits for the creator.
- `semi_auto`: the agent approves a draft the model wrote with a confidence of at least the
  agent's threshold that passed every check (the judge included); template drafts, drafts
  with findings, first messages to a lead and replies to a lead's message always wait.
- `auto`: the agent approves every draft that passed every check; template drafts and drafts
  with findings still wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

ApprovalMode = Literal["manual", "semi_auto", "auto"]
MODES: tuple[str, ...] = ("manual", "semi_auto", "auto")
DEFAULT_THRESHOLD = 0.8

# Rules that let the agent approve.
SEMI_AUTO_CONFIDENT = "semi_auto_confident"
AUTO_CHECKS_PASSED = "auto_checks_passed"
# Rules that keep a draft waiting for the creator.
MANUAL_MODE = "manual_mode"
TEMPLATE_DRAFT = "template_draft"
NOT_JUDGED = "not_judged"
CHECK_FINDINGS = "check_findings"
FIRST_MESSAGE = "first_message"
REPLY_TO_LEAD = "reply_to_lead"
BELOW_THRESHOLD = "below_threshold"


@dataclass(frozen=True)
class DraftFacts:
    """What the rule reads about a checked draft."""

    source: str | None  # 'llm' or 'template'
    confidence: object  # the model's own estimate; anything but a number in 0..1 is none
    check_passed: bool
    finding_rules: tuple[str, ...]  # the rule classes of the check's findings
    first_message: bool  # nothing was sent to this lead yet
    reply_to_lead: bool  # it answers the lead's own message


@dataclass(frozen=True)
class AgentVerdict:
    approve: bool
    rule: str  # the rule that approved it, or the one that keeps it waiting
    reason: str  # the same in words, for the creator and the audit log


def _confidence(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


def _waits(rule: str, reason: str) -> AgentVerdict:
    return AgentVerdict(False, rule, reason)


def agent_verdict(mode: str, threshold: float, draft: DraftFacts) -> AgentVerdict:
    """The agent's decision on a draft: approve it, or leave it to the creator (and why)."""
    if mode not in ("semi_auto", "auto"):
        return _waits(MANUAL_MODE, "manual mode: every draft waits for the creator")
    if draft.source != "llm":
        return _waits(TEMPLATE_DRAFT, "a template draft always waits for the creator")
    if not draft.check_passed:
        if draft.finding_rules and set(draft.finding_rules) == {"not_judged"}:
            return _waits(NOT_JUDGED, "the judge could not check the wording")
        rules = ", ".join(sorted(set(draft.finding_rules))) or "unknown"
        return _waits(CHECK_FINDINGS, f"the check found problems ({rules})")
    if mode == "auto":
        return AgentVerdict(True, AUTO_CHECKS_PASSED, "auto mode: every check passed")
    if draft.first_message:
        return _waits(FIRST_MESSAGE, "a first message to a lead waits for the creator")
    if draft.reply_to_lead:
        return _waits(REPLY_TO_LEAD, "a reply to the lead's message waits for the creator")
    confidence = _confidence(draft.confidence)
    if confidence is None:
        return _waits(BELOW_THRESHOLD, "the model gave no confidence for this draft")
    if confidence < threshold:
        return _waits(
            BELOW_THRESHOLD, f"confidence {confidence:.2f} is below the threshold {threshold:.2f}"
        )
    return AgentVerdict(
        True,
        SEMI_AUTO_CONFIDENT,
        f"semi-automatic mode: confidence {confidence:.2f} is at least the threshold "
        f"{threshold:.2f} and every check passed",
    )
