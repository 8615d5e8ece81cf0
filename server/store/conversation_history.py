"""A thread's conversation so far, both ways, for drafting a reply: what the lead wrote (the
events table's inbound messages) and what reached them (the messages table). Read per run and
handed to the graph in its context, so no checkpoint ever holds it."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.rows import Row, all_rows

# The last turns a reply's prompt shows.
MAX_TURNS = 10
# Each turn's text is cut here (the drafting prompt shortens it further).
MAX_TEXT_CHARS = 1000
# A message counts once its send went out (`recorded`: to the outbox, with no provider set up)
# and the provider did not report it lost.
REACHED = ["sent", "recorded"]
LOST = ["undelivered", "failed", "bounced"]

# Both halves use an index (events_creator_consumer_idx, messages_lead_sent_idx) and stop at
# `limit` rows; the server's clock (received_at, created_at) orders them, never a client's.
# The event being answered is not a turn (the prompt shows it as the lead's message), nor is
# anything the lead sent after it, nor an auto-reply (its recorded decision says so).
_CONVERSATION = """
WITH answered AS (
    SELECT received_at FROM events
     WHERE id = %(event_id)s AND creator_id = %(creator_id)s AND consumer_id = %(consumer_id)s)
SELECT author, channel, subject, text FROM (
    (SELECT 'lead' AS author, e.payload ->> 'channel' AS channel, NULL::text AS subject,
            left(e.payload ->> 'text', %(cap)s) AS text, e.received_at AS said_at, e.id
       FROM events e, answered
      WHERE e.creator_id = %(creator_id)s AND e.consumer_id = %(consumer_id)s
        AND e.thread_id = %(thread_id)s AND e.type = 'inbound_message'
        AND e.id <> %(event_id)s AND e.received_at <= answered.received_at
        AND (e.decision ->> 'reason') IS DISTINCT FROM 'auto_reply'
      ORDER BY e.received_at DESC, e.id DESC LIMIT %(limit)s)
    UNION ALL
    (SELECT 'creator', m.channel, left(m.subject, %(cap)s), left(m.body, %(cap)s),
            m.created_at, m.id
       FROM messages m
      WHERE m.creator_id = %(creator_id)s AND m.consumer_id = %(consumer_id)s
        AND m.thread_id = %(thread_id)s AND m.status = ANY(%(reached)s)
        AND (m.delivery_status IS NULL OR m.delivery_status <> ALL(%(lost)s))
      ORDER BY m.created_at DESC, m.id DESC LIMIT %(limit)s)
) turns
ORDER BY said_at DESC, id DESC LIMIT %(limit)s
"""


async def conversation_before(
    conn: AsyncConnection,
    creator_id: str,
    consumer_id: str,
    thread_id: str,
    event_id: str,
    limit: int = MAX_TURNS,
) -> list[Row]:
    """The thread's last `limit` turns before the lead's message `event_id`, oldest first:
    `author` ('lead' or 'creator'), `channel`, `subject` (emails sent) and `text`."""
    rows = await all_rows(
        conn,
        _CONVERSATION,
        {
            "creator_id": creator_id,
            "consumer_id": consumer_id,
            "thread_id": thread_id,
            "event_id": event_id,
            "limit": limit,
            "cap": MAX_TEXT_CHARS,
            "reached": REACHED,
            "lost": LOST,
        },
    )
    return rows[::-1]
