"""The part of an event's payload the sales graph reads, and nothing more in its checkpoint."""

from __future__ import annotations

from typing import Any


def payload_for_graph(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's top-level scalar values: `service_id`, `text`, `channel`, and whatever
    key an agent's trigger filters on (filters match only strings, integers and booleans).
    Nested objects and lists are never read by the graph, so they stay in the events table
    and out of every checkpoint of the thread."""
    return {
        key: value
        for key, value in payload.items()
        if value is None or isinstance(value, str | int | float | bool)
    }
