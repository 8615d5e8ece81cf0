"""The inbox's agent settings form: the choices it offers (whatever PATCH /agents/{id}
accepts now, read from its model) and the changes a posted form asks for, validated as the
API validates them."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from server.inbox_pages import field
from server.routes.agents import AgentUpdate
from server.schemas import EventType

MODE_TEXT = {
    "manual": "Every draft waits for you.",
    "semi_auto": "The agent sends a draft it is confident about (at least the threshold) that "
    "passed every check. Template drafts, drafts with findings, first messages and answers "
    "to a lead's question wait for you.",
    "auto": "The agent sends every draft that passed every check. Template drafts and drafts "
    "with findings wait for you.",
}
# Settings the form shows as numbers when the API accepts them (approval threshold, TTL...).
NUMBER_SETTINGS = (int, float)


def approval_modes() -> list[str]:
    """The approval modes the API accepts now (PATCH /agents/{id})."""
    annotation = AgentUpdate.model_fields["approval_mode"].annotation
    modes: list[str] = []
    for arg in get_args(annotation) or (annotation,):
        if get_origin(arg) is not None and str(get_origin(arg)).endswith("Literal"):
            modes.extend(get_args(arg))
    return modes or ["manual"]


def number_settings() -> dict[str, Any]:
    """Numeric agent settings the API accepts (a threshold, a TTL), by name."""
    found = {}
    for name, info in AgentUpdate.model_fields.items():
        kinds = get_args(info.annotation) or (info.annotation,)
        if any(kind in NUMBER_SETTINGS for kind in kinds):
            found[name] = info
    return found


def form_choices(agent: dict[str, Any]) -> dict[str, Any]:
    """What the settings page offers, with the agent's current values."""
    return {
        "agent": agent,
        "modes": [(m, MODE_TEXT.get(m, "")) for m in approval_modes()],
        "event_types": list(get_args(EventType)),
        "enabled_types": {t["event_type"] for t in agent.get("triggers") or []},
        "numbers": {
            name: {"label": info.description or name.replace("_", " "), "value": agent.get(name)}
            for name, info in number_settings().items()
        },
    }


def requested_changes(agent: dict[str, Any], form: dict[str, list[str]]) -> dict[str, Any]:
    """The agent changes a posted settings form asks for (the on/off switch aside), as
    PATCH /agents/{id} would take them. Raises pydantic's ValidationError."""
    chosen = set(form.get("trigger", []))
    # A trigger's payload filters (set through the API) are kept while its type stays on.
    triggers = [t for t in agent.get("triggers") or [] if t["event_type"] in chosen]
    kept = {t["event_type"] for t in triggers}
    triggers += [{"event_type": t} for t in get_args(EventType) if t in chosen - kept]
    changes: dict[str, Any] = {"approval_mode": field(form, "approval_mode"), "triggers": triggers}
    for name in number_settings():
        if field(form, name).strip():
            changes[name] = field(form, name).strip()
    return AgentUpdate.model_validate(changes).model_dump(exclude_none=True)
