"""What the onboarding graph persists: run status and log, profile versions under review
and approved, and the creator's agent. Postgres in the service
(server/store/onboarding_graph_store.py); in memory for LangGraph Studio and unit tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol


class OnboardingStore(Protocol):
    async def update_run(self, onboarding_id: str, **changes: Any) -> None:
        """Set status, error, raw_data, model_answer, profile_version; `timing=(step, ms)`
        adds to the timings and `problems=[...]` appends to the check findings."""
        ...

    async def save_review(
        self,
        approval_id: str,
        onboarding_id: str,
        creator_id: str,
        profile: dict[str, Any],
        source: str,
    ) -> int:
        """Store the profile as a version pending review with the approval `approval_id`;
        saving the same approval again changes nothing. Returns the version."""
        ...

    async def approve_profile(
        self, creator_id: str, version: int, profile: dict[str, Any]
    ) -> None: ...

    async def reject_profile(self, creator_id: str, version: int) -> None: ...

    async def deploy_agent(self, creator_id: str) -> str:
        """Create the creator's agent, or keep the existing one; returns its id."""
        ...


@dataclass
class InMemoryOnboardingStore:
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)

    async def update_run(self, onboarding_id: str, **changes: Any) -> None:
        run = self.runs.setdefault(onboarding_id, {"timings": {}, "problems": []})
        if timing := changes.pop("timing", None):
            run["timings"][timing[0]] = timing[1]
        run["problems"].extend(changes.pop("problems", []))
        run.update(changes)

    async def save_review(
        self,
        approval_id: str,
        onboarding_id: str,
        creator_id: str,
        profile: dict[str, Any],
        source: str,
    ) -> int:
        for (_, version), row in self.profiles.items():
            if row["approval_id"] == approval_id:
                return version
        version = 1 + max((v for c, v in self.profiles if c == creator_id), default=0)
        self.profiles[(creator_id, version)] = {
            "profile": profile,
            "status": "pending_review",
            "source": source,
            "onboarding_id": onboarding_id,
            "approval_id": approval_id,
        }
        return version

    async def approve_profile(self, creator_id: str, version: int, profile: dict[str, Any]) -> None:
        self.profiles[(creator_id, version)].update(status="approved", profile=profile)

    async def reject_profile(self, creator_id: str, version: int) -> None:
        self.profiles[(creator_id, version)]["status"] = "rejected"

    async def deploy_agent(self, creator_id: str) -> str:
        return self.agents.setdefault(creator_id, uuid.uuid4().hex)
