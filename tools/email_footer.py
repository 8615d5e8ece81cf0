"""Adds the unsubscribe link, mailto and postal address to an email for a lead."""

from __future__ import annotations

from dataclasses import replace

from tools.channels import OutgoingMessage
from tools.sales_store import SalesStore


async def with_email_footer(
    store: SalesStore, channel: str, creator_id: str, consumer_id: str, message: OutgoingMessage
) -> OutgoingMessage:
    """The message as it goes to the lead: an email gets the footer the store gives for
    this lead of this creator; anything else is unchanged."""
    if channel != "email":
        return message
    footer = await store.email_footer(creator_id, consumer_id)
    if footer is None:
        return message
    return replace(
        message,
        unsubscribe_url=footer.unsubscribe_url,
        unsubscribe_mailto=footer.unsubscribe_mailto,
        postal_address=footer.postal_address,
    )
