"""What the sending rules read about one lead and channel, in one statement: the lead's
current consent and time zone, the agent's rules and WhatsApp template, the address's
suppression and the capped messages already sent (domain.compliance)."""

from __future__ import annotations

from psycopg import AsyncConnection

from server.store.rows import Row, one

# Messages that count against a cap: on their way or out. Failed, blocked and unsent do not.
COUNTED = ("claimed", "sending", "sent", "recorded", "unconfirmed", "retry")

# Capped (sales) messages of the lead in the last day and week, and the creator's in the
# last day, leaving out the message being checked (by its idempotency key).
_COUNTS = """
       (SELECT count(*) FROM messages m
         WHERE m.creator_id = c.creator_id AND m.consumer_id = c.id AND m.purpose = 'sales'
           AND m.status = ANY(%(counted)s) AND m.idempotency_key <> %(key)s
           AND m.created_at > now() - interval '1 day') AS lead_day,
       (SELECT count(*) FROM messages m
         WHERE m.creator_id = c.creator_id AND m.consumer_id = c.id AND m.purpose = 'sales'
           AND m.status = ANY(%(counted)s) AND m.idempotency_key <> %(key)s
           AND m.created_at > now() - interval '7 days') AS lead_week,
       (SELECT count(*) FROM messages m
         WHERE m.creator_id = c.creator_id AND m.purpose = 'sales'
           AND m.status = ANY(%(counted)s) AND m.idempotency_key <> %(key)s
           AND m.created_at > now() - interval '1 day') AS creator_day"""


async def send_facts(
    conn: AsyncConnection, creator_id: str, consumer_id: str, channel: str, key: str = ""
) -> Row | None:
    """The facts for a send on `channel`; `key` is the message's idempotency key (left out
    of the counts). None when the lead no longer exists."""
    return await one(
        conn,
        f"""
        SELECT c.consent, c.timezone, c.whatsapp, c.email, x.context,
               to_jsonb(g) AS agent, cr.display_name AS creator_name,
               (SELECT s.reason FROM suppressions s
                 WHERE s.channel = %(channel)s
                   AND s.address = CASE WHEN %(channel)s = 'email' THEN lower(c.email)
                                        ELSE c.whatsapp END) AS suppressed,
               {_COUNTS}
          FROM consumers c
          JOIN creators cr ON cr.id = c.creator_id
          LEFT JOIN agents g ON g.creator_id = c.creator_id
          LEFT JOIN consumer_context x ON x.creator_id = c.creator_id AND x.consumer_id = c.id
         WHERE c.creator_id = %(creator_id)s AND c.id = %(consumer_id)s""",
        {
            "creator_id": creator_id,
            "consumer_id": consumer_id,
            "channel": channel,
            "key": key,
            "counted": list(COUNTED),
        },
    )


# What drafting checks before writing, as columns over the lead `c` (a LATERAL subquery of
# store.event_log.event_to_run): the caps' counts, which addresses are suppressed, the
# services the lead booked (sales never pitches them) and whether they opted out on their
# sales thread (a booking's thread does not see their messages).
DRAFTING_FACTS = f"""
        SELECT (SELECT s.reason FROM suppressions s
                 WHERE s.channel = 'whatsapp' AND s.address = c.whatsapp) AS whatsapp_suppressed,
               (SELECT s.reason FROM suppressions s
                 WHERE s.channel = 'email' AND s.address = lower(c.email)) AS email_suppressed,
               (SELECT coalesce(array_agg(DISTINCT b.service_id), '{{}}') FROM bookings b
                 WHERE b.creator_id = c.creator_id AND b.consumer_id = c.id
                   AND b.status <> 'cancelled' AND b.service_id IS NOT NULL)
                   AS booked_service_ids,
               (SELECT max(b.booked_at) FROM bookings b
                 WHERE b.creator_id = c.creator_id AND b.consumer_id = c.id) AS last_booked_at,
               (SELECT coalesce((x.context ->> 'opted_out')::boolean, false)
                  FROM consumer_context x
                 WHERE x.creator_id = c.creator_id AND x.consumer_id = c.id) AS opted_out,
               {_COUNTS}"""
DRAFTING_PARAMS = {"key": "", "counted": list(COUNTED)}


async def capped_claimed_before(conn: AsyncConnection, message_id: str) -> Row | None:
    """The capped (sales) messages claimed before this one, counted as its caps count them
    (the lead's in the day and week before it, the creator's in the day), and the creator's
    agent (its caps). Sends checked at the same moment are thereby ordered: the first
    claimed goes, a later one sees it."""
    return await one(
        conn,
        """
        WITH me AS (SELECT creator_id, consumer_id, created_at, id FROM messages WHERE id = %s)
        SELECT (SELECT to_jsonb(a) FROM agents a WHERE a.creator_id = me.creator_id) AS agent,
               count(*) FILTER (WHERE m.consumer_id = me.consumer_id
                                  AND m.created_at > me.created_at - interval '1 day')
                   AS lead_day,
               count(*) FILTER (WHERE m.consumer_id = me.consumer_id) AS lead_week,
               count(*) FILTER (WHERE m.created_at > me.created_at - interval '1 day')
                   AS creator_day
          FROM me JOIN messages m ON m.creator_id = me.creator_id
         WHERE m.purpose = 'sales' AND m.status = ANY(%s)
           AND (m.created_at, m.id) < (me.created_at, me.id)
           AND m.created_at > me.created_at - interval '7 days'
         GROUP BY me.creator_id""",
        (message_id, list(COUNTED)),
    )
