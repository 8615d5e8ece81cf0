"""The events both sides run: the same leads, events and order on each side.

Each lead first books a service: on its own thread the service's customer onboarding agent
drafts a welcome, which the baseline's graph treats as quiet. Then the lead views the
creator's page every minute (quiet: `seen_recently`, within 24 h of their booking): the sales
graph's two-node path, update_context -> should_act, which the service takes without a run
once the lead's first view has run the graph (server/quiet_path.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

CREATOR = "ajay_shenoy"
BOOKED_SERVICE_ID = 101  # one of ajay_shenoy's services; the others stay on offer
START = datetime.fromisoformat("2026-11-02T05:30:00+00:00")


@dataclass(frozen=True)
class BenchEvent:
    lead: str
    seq: int  # the lead's n-th event, from 0

    def body(self) -> dict[str, Any]:
        """The `POST /events` body (the baseline runs the same type, time and payload)."""
        at = (START + timedelta(minutes=self.seq)).isoformat()
        if self.seq == 0:
            booking = {"booking_id": f"bk-{self.lead}", "service_id": BOOKED_SERVICE_ID}
            kind, payload = "booking_created", booking
        else:
            kind, payload = "page_view", {"page": "creator_profile"}
        return {
            "creator_id": CREATOR,
            "consumer_id": self.lead,
            "type": kind,
            "occurred_at": at,
            "payload": payload,
        }


def lead_ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i:04d}" for i in range(count)]


def lead_body(lead: str) -> dict[str, Any]:
    """`POST /consumers`: a WhatsApp lead with consent (quiet by the rules, not unreachable)."""
    return {
        "creator_id": CREATOR,
        "external_id": lead,
        "name": "Bench Lead",
        "whatsapp": "+919800000000",
        "consent": {"whatsapp": True},
    }


def client_queues(leads: list[str], events: int, clients: int) -> list[list[BenchEvent]]:
    """`events` events spread evenly over `leads`, dealt to `clients` workers so that each
    lead belongs to one worker: a lead's events run one after another, in order, as the job
    queue's per-thread lock keeps them, while different leads run in parallel."""
    counts = {
        lead: events // len(leads) + (i < events % len(leads)) for i, lead in enumerate(leads)
    }
    workers = min(clients, len(leads))
    queues: list[list[BenchEvent]] = []
    for w in range(workers):
        owned = leads[w::workers]
        # Interleaved: lead a's 1st event, lead b's 1st, lead a's 2nd, ...
        rounds = max(counts[lead] for lead in owned)
        queues.append(
            [BenchEvent(lead, seq) for seq in range(rounds) for lead in owned if seq < counts[lead]]
        )
    return queues
