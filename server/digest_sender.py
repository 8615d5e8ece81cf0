"""Digests: at most one message per creator per NOTIFY_EVERY_MIN telling them that drafts
wait, with a one-time sign-in link to their inbox.

Each digest is decided under a lock on the creator's notification row and recorded before
it is sent, so two workers never send two. A digest that fails is recorded as failed and
still counts for the interval: a broken address is not retried every minute.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from psycopg_pool import AsyncConnectionPool

from domain.digest_text import LINK_PLACEHOLDER, Waiting, digest_body, digest_subject
from server.settings import Settings
from server.sign_in import issue_sign_in_link
from server.store import audit_trail, creator_notifications, digest_log
from tools.channels import OutgoingMessage, SendError, Transport

log = logging.getLogger(__name__)

# Creators looked at per sweep; the rest are due at the next one, a minute later.
SWEEP_BATCH = 200


class DigestSender:
    def __init__(
        self, pool: AsyncConnectionPool, transports: dict[str, Transport], settings: Settings
    ):
        self._pool = pool
        self._transports = transports
        self._settings = settings

    @property
    def _base_url(self) -> str:
        settings = self._settings
        return settings.public_base_url or f"http://{settings.host}:{settings.port}"

    async def send_due(self) -> int:
        """Send every digest that is due now; how many went out (or to the outbox)."""
        async with self._pool.connection() as conn:
            due = await digest_log.due_creators(conn, self._settings.notify_every_min, SWEEP_BATCH)
        sent = 0
        for creator_id in due:
            sent += await self.send_if_due(creator_id)
        return sent

    async def send_if_due(self, creator_id: str) -> bool:
        settings = self._settings
        digest_id = f"dig_{uuid.uuid4().hex}"
        async with self._pool.connection() as conn, conn.transaction():
            if await creator_notifications.lock_notifications(conn, creator_id) is None:
                return False
            waiting = await digest_log.waiting_if_due(conn, creator_id, settings.notify_every_min)
            if waiting is None:
                return False
            what = Waiting(
                creator_name=waiting["display_name"],
                drafts=waiting["drafts_waiting"],
                profiles=waiting["profiles_waiting"],
                oldest_at=waiting["oldest_waiting_at"],
            )
            body = digest_body(what, settings.notify_every_min, settings.notify_link_hours)
            await digest_log.start_digest(
                conn, digest_id, waiting, waiting["newest_waiting_at"], body
            )
            link, _ = await issue_sign_in_link(
                conn,
                creator_id,
                settings,
                self._base_url,
                lifetime=timedelta(hours=settings.notify_link_hours),
            )
        transport = self._transports[waiting["channel"]]
        message = OutgoingMessage(
            message_id=digest_id,
            to=waiting["address"],
            body=body.replace(LINK_PLACEHOLDER, link),
            subject=digest_subject(what),
        )
        try:
            receipt = await transport.send(message)
        except SendError as exc:
            await self._finish(creator_id, digest_id, "failed", transport.name, error=str(exc))
            return False
        except Exception as exc:  # a digest never stops the sweep for other creators
            log.exception("digest %s to creator %s failed", digest_id, creator_id)
            await self._finish(creator_id, digest_id, "failed", transport.name, error=repr(exc))
            return False
        await self._finish(
            creator_id, digest_id, receipt.status, transport.name, receipt.provider_message_id
        )
        return True

    async def _finish(
        self,
        creator_id: str,
        digest_id: str,
        status: str,
        transport: str,
        provider_message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await digest_log.finish_digest(
                conn, digest_id, status, transport, provider_message_id, error
            )
            await audit_trail.audit(
                conn,
                creator_id,
                "system",
                "digest_sent" if status != "failed" else "digest_failed",
                {"digest_id": digest_id, "status": status, "transport": transport}
                | ({"error": error} if error else {}),
            )
