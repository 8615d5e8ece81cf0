"""The consent_ledger table: every grant and withdrawal of a lead's consent, per creator and
channel. `consumers.consent` holds the current value; each change here updates it in the
same statement, so the two never disagree."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.rows import Row, all_rows


async def record_consent(
    conn: AsyncConnection,
    creator_id: str,
    consumer_id: str,
    channel: str,
    granted: bool,
    *,
    source: str,
    given_by: str,
    evidence: dict[str, Any] | None = None,
) -> bool:
    """Set the lead's consent for `channel` and write the ledger entry. False when the lead
    does not exist (nothing is written)."""
    cur = await conn.execute(
        """
        WITH lead AS (
            UPDATE consumers SET consent = consent || jsonb_build_object(%(channel)s::text,
                                                                        %(granted)s::boolean),
                   updated_at = now()
             WHERE creator_id = %(creator_id)s AND id = %(consumer_id)s
            RETURNING creator_id, id)
        INSERT INTO consent_ledger (creator_id, consumer_id, channel, granted, source,
                                    given_by, evidence)
        SELECT creator_id, id, %(channel)s, %(granted)s, %(source)s, %(given_by)s,
               %(evidence)s
          FROM lead""",
        {
            "creator_id": creator_id,
            "consumer_id": consumer_id,
            "channel": channel,
            "granted": granted,
            "source": source,
            "given_by": given_by,
            "evidence": Jsonb(evidence or {}),
        },
    )
    return cur.rowcount == 1


async def record_changes(
    conn: AsyncConnection,
    creator_id: str,
    consumer_id: str,
    before: dict[str, bool] | None,
    after: dict[str, bool],
    *,
    source: str,
    given_by: str,
) -> None:
    """Ledger entries for the channels whose consent a write changed; for a new lead
    (`before` None), the channels it was given for (no consent is the starting point)."""
    for channel, granted in sorted(after.items()):
        if channel not in ("whatsapp", "email"):
            continue
        changed = granted if before is None else before.get(channel, False) != granted
        if changed:
            await conn.execute(
                """
                INSERT INTO consent_ledger (creator_id, consumer_id, channel, granted,
                                            source, given_by)
                VALUES (%s, %s, %s, %s, %s, %s)""",
                (creator_id, consumer_id, channel, granted, source, given_by),
            )


async def leads_with_whatsapp(conn: AsyncConnection, number: str) -> list[Row]:
    """Every creator's lead with this WhatsApp number (one sender is shared by creators)."""
    return await all_rows(
        conn,
        "SELECT creator_id, id FROM consumers WHERE whatsapp = %s ORDER BY creator_id, id",
        (number,),
    )


async def leads_with_email(conn: AsyncConnection, address: str) -> list[Row]:
    return await all_rows(
        conn,
        "SELECT creator_id, id FROM consumers WHERE lower(email) = lower(%s)"
        " ORDER BY creator_id, id",
        (address,),
    )


async def lead_ledger(conn: AsyncConnection, creator_id: str, consumer_id: str) -> list[Row]:
    return await all_rows(
        conn,
        """SELECT channel, granted, source, given_by, evidence, recorded_at
             FROM consent_ledger WHERE creator_id = %s AND consumer_id = %s ORDER BY id""",
        (creator_id, consumer_id),
    )


async def delete_lead_ledger(conn: AsyncConnection, creator_id: str, consumer_id: str) -> int:
    cur = await conn.execute(
        "DELETE FROM consent_ledger WHERE creator_id = %s AND consumer_id = %s",
        (creator_id, consumer_id),
    )
    return cur.rowcount
