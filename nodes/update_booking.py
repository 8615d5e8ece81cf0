"""Fold the event into the booking this customer-onboarding thread is about."""

from __future__ import annotations

from typing import Any

from domain.booking_decisions import fold_booking
from graphs.state import CustomerState


# async though it awaits nothing: LangGraph runs a plain `def` node in its thread pool, a
# thread hop per step (about 0.2 ms of CPU, measured); this one only computes.
async def update_booking(state: CustomerState) -> dict[str, Any]:
    return {"booking": fold_booking(state.get("booking") or {}, state["event"])}
