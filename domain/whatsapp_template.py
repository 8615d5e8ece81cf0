"""A creator's approved WhatsApp template: the opener sent outside the 24-hour window.

The creator configures the content SID and which fact fills each of its variables; code
fills them (the model never writes a template's words, Meta approved them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The facts a variable may take.
TEMPLATE_FACTS = ("lead_first_name", "lead_name", "creator_name")
# A service-wide template (TWILIO_WHATSAPP_TEMPLATE_SID) fills {{1}} and {{2}} so.
DEFAULT_VARIABLES = {"1": "lead_first_name", "2": "creator_name"}


@dataclass(frozen=True)
class WhatsAppTemplate:
    content_sid: str
    variables: dict[str, str]  # the template's variable -> its value

    def describe(self) -> str:
        """What the outbox row records as the message's body."""
        filled = ", ".join(f"{key}={value}" for key, value in sorted(self.variables.items()))
        return f"[WhatsApp template {self.content_sid}] {filled}"


def first_name(name: str) -> str:
    return (name or "").strip().split(" ")[0] or "there"


def fill_template(
    content_sid: str, mapping: dict[str, Any] | None, lead_name: str, creator_name: str
) -> WhatsAppTemplate:
    facts = {
        "lead_first_name": first_name(lead_name),
        "lead_name": (lead_name or "").strip() or "there",
        "creator_name": creator_name,
    }
    variables = {str(key): facts[fact] for key, fact in (mapping or DEFAULT_VARIABLES).items()}
    return WhatsAppTemplate(content_sid=content_sid, variables=variables)
