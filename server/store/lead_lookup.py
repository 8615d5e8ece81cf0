"""Which lead a message from a WhatsApp number belongs to. One sender number is shared by
creators, so the number alone may name several creators' leads: the one whose thread was
active last (the last WhatsApp message sent to them, else their last event) is the one the
lead is answering."""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.thread_ids import SALES
from server.store.rows import Row, one


async def latest_lead_with_whatsapp(conn: AsyncConnection, number: str) -> Row | None:
    """(creator_id, id) of the lead with this number whose thread moved last; None when
    no creator has a lead with it."""
    return await one(
        conn,
        """
        SELECT c.creator_id, c.id FROM consumers c
         WHERE c.whatsapp = %(number)s
         ORDER BY greatest(
                    (SELECT max(m.created_at) FROM messages m
                      WHERE m.creator_id = c.creator_id AND m.consumer_id = c.id
                        AND m.channel = 'whatsapp'),
                    (SELECT max(e.received_at) FROM events e
                      WHERE e.thread_id = %(graph)s || ':' || c.creator_id || ':' || c.id)
                  ) DESC NULLS LAST,
                  c.created_at DESC, c.creator_id
         LIMIT 1""",
        {"number": number, "graph": SALES},
    )
