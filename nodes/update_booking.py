"""Fold the event into the booking this customer-onboarding thread is about."""

from __future__ import annotations

from typing import Any

from domain.booking_decisions import fold_booking
from graphs.state import CustomerState


def update_booking(state: CustomerState) -> dict[str, Any]:
    return {"booking": fold_booking(state.get("booking") or {}, state["event"])}
