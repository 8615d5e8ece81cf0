"""Per-run inputs that are not state: rebuilt by the server on every run and resume."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.compliance import SendingRules


@dataclass
class SalesContext:
    creator_id: str = ""
    # Snapshot of the latest approved sales profile (domain.profile.build_profile shape).
    profile: dict[str, Any] = field(default_factory=dict)
    profile_version: int = 0
    approval_mode: str = "manual"
    # semi_auto: the least model confidence at which the agent approves a draft itself.
    approval_threshold: float = 0.8
    agent_enabled: bool = True
    # Event types (with optional payload filters) that wake the agent; None: every event.
    triggers: list[dict[str, Any]] | None = None
    # Quiet hours and frequency caps (domain.compliance), from the agent's settings.
    rules: SendingRules = field(default_factory=SendingRules)
    # Customer onboarding: how long before a session its reminder goes.
    reminder_hours_before: int = 24
    # Sales: a message nobody answered is followed up after this long, at most this often.
    follow_up_after_hours: int = 72
    max_follow_ups: int = 1
    # The job's last attempt: a send that certainly did not go out is left 'unsent' for a
    # person to resolve instead of raising for a retry that will never come.
    final_attempt: bool = False
    # For a reply: the thread's last messages both ways before the lead's, oldest first
    # (server.store.conversation_history). Read per run, so never in a checkpoint.
    conversation: list[dict[str, Any]] = field(default_factory=list)


def context_of(runtime: Any) -> SalesContext:
    """The run's context; a run started without one (e.g. from Studio) gets the defaults."""
    return runtime.context if runtime.context is not None else SalesContext()
