"""Which channel can reach this consumer: WhatsApp first, then email, consent required."""

from __future__ import annotations

from graphs.state import Channel, ConsumerFacts


def reachable_channels(consumer: ConsumerFacts) -> list[Channel]:
    consent = consumer.get("consent") or {}
    channels: list[Channel] = []
    if consumer.get("whatsapp") and consent.get("whatsapp"):
        channels.append("whatsapp")
    if consumer.get("email") and consent.get("email"):
        channels.append("email")
    return channels


def choose_channel(
    consumer: ConsumerFacts, preferred: str | None = None, excluded: list[str] | None = None
) -> Channel | None:
    """The channel the consumer wrote in on if we may use it, else WhatsApp, else email;
    never an `excluded` one (its address is suppressed)."""
    channels = [c for c in reachable_channels(consumer) if c not in (excluded or [])]
    if preferred in channels:
        return preferred  # type: ignore[return-value]
    return channels[0] if channels else None
