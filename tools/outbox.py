"""Record-only transport: used when a channel has no credentials. Nothing leaves the machine."""

from __future__ import annotations

from tools.channels import OutgoingMessage, SendReceipt


class OutboxTransport:
    name = "outbox"
    enforces_window = False

    async def send(self, message: OutgoingMessage) -> SendReceipt:
        # The messages table row is the record; there is no provider to call.
        return SendReceipt(status="recorded")

    def close(self) -> None:
        pass
