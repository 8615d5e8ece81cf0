"""The approvals table: drafts and profile reviews waiting for (or decided by) the creator."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from server.store.audit_trail import audit_from
from server.store.creator_profiles import LATEST_APPROVED_VERSION
from server.store.pages import Cursor, Page, keyset, keyset_params, to_page
from server.store.rows import Row, Scope, all_rows, one
from server.store.thread_state import defer_job_from, job_params

# How long a draft waits for a decision: the agent's draft_ttl_hours from its creation; a
# draft held for the lead's reply (WhatsApp's window) as long again from when it was held.
EXPIRES_AT = "coalesce(a.held_at, a.created_at) + make_interval(hours => g.draft_ttl_hours)"
# Drafts that expire when their time is up: waiting for the creator, or for the lead.
EXPIRING = "a.status IN ('pending', 'held') AND a.kind = 'message'"

# An approval with what the creator needs to decide: the lead, the event, the lead's
# context, when a waiting draft expires, and the message it produced once sent.
APPROVAL_VIEW = f"""
    SELECT a.*, c.name AS consumer_name, c.whatsapp AS consumer_whatsapp,
           c.email AS consumer_email, c.timezone AS consumer_timezone,
           e.type AS event_type, e.payload AS event_payload, e.occurred_at AS event_occurred_at,
           e.decision AS event_decision, x.context AS consumer_context,
           m.id AS message_id, m.status AS message_status,
           CASE WHEN {EXPIRING} THEN {EXPIRES_AT}
           END AS expires_at
      FROM approvals a
      LEFT JOIN agents g ON g.creator_id = a.creator_id
      LEFT JOIN consumers c ON c.creator_id = a.creator_id AND c.id = a.consumer_id
      LEFT JOIN events e ON e.id = a.event_id
      LEFT JOIN consumer_context x ON x.creator_id = a.creator_id AND x.consumer_id = a.consumer_id
      LEFT JOIN LATERAL (SELECT id, status FROM messages WHERE approval_id = a.id
                          ORDER BY created_at LIMIT 1) m ON true
"""
A_IN_SCOPE = "(%s::text IS NULL OR a.creator_id = %s)"


async def insert_message_draft(
    conn: AsyncConnection, approval: dict[str, Any], audit: dict[str, Any]
) -> None:
    """Store a draft for approval once, with its audit entry (`audit`:
    audit_trail.audit_params) written only when the draft is new: one statement."""
    await conn.execute(
        f"""
        WITH inserted AS (
            INSERT INTO approvals (id, thread_id, creator_id, consumer_id, event_id, channel,
                                   draft, profile_version)
            VALUES (%(id)s, %(thread_id)s, %(creator_id)s, %(consumer_id)s, %(event_id)s,
                    %(channel)s, %(draft)s, %(profile_version)s)
            ON CONFLICT (id) DO NOTHING RETURNING thread_id, creator_id)
        {audit_from("inserted")}""",
        {**approval, "draft": Jsonb(approval["draft"]), **audit},
    )


async def insert_profile_review(
    conn: AsyncConnection,
    approval_id: str,
    thread_id: str,
    creator_id: str,
    profile: dict[str, Any],
    version: int,
) -> None:
    await conn.execute(
        """INSERT INTO approvals (id, kind, thread_id, creator_id, draft, profile_version)
           VALUES (%s, 'profile', %s, %s, %s, %s)""",
        (approval_id, thread_id, creator_id, Jsonb(profile), version),
    )


async def list_approvals(
    conn: AsyncConnection,
    scope: Scope,
    creator_id: str | None,
    status: str | None,
    kind: str | None,
    after: Cursor | None,
    limit: int,
) -> Page:
    """Pending ones oldest first (the order to work through them), decided ones newest first."""
    order_name = "oldest_first" if status == "pending" else "newest_first"
    where, order = keyset(order_name, "a.created_at", "a.id")
    rows = await all_rows(
        conn,
        APPROVAL_VIEW
        + f"""
        WHERE {A_IN_SCOPE} AND (%s::text IS NULL OR a.creator_id = %s)
          AND (%s::text IS NULL OR a.status = %s) AND (%s::text IS NULL OR a.kind = %s)
          AND {where} {order} LIMIT %s""",
        (
            scope,
            scope,
            creator_id,
            creator_id,
            status,
            status,
            kind,
            kind,
            *keyset_params(after),
            limit + 1,
        ),
    )
    return to_page(rows, limit)


async def get_approval(conn: AsyncConnection, scope: Scope, approval_id: str) -> Row | None:
    return await one(
        conn, APPROVAL_VIEW + f" WHERE a.id = %s AND {A_IN_SCOPE}", (approval_id, scope, scope)
    )


async def approval_to_resume(conn: AsyncConnection, approval_id: str) -> Row | None:
    """An approval with what resuming its thread reads, in one round trip: the lead
    (`consumer`, None once erased), the creator's agent settings (`agent`) and the number
    and approval time of their latest approved profile (`latest_profile_version`,
    `latest_profile_approved_at`; the profile itself is cached by them)."""
    return await one(
        conn,
        f"""
        SELECT a.*, to_jsonb(c) AS consumer, to_jsonb(g) AS agent,
               p.version AS latest_profile_version, p.approved_at AS latest_profile_approved_at
          FROM approvals a
          LEFT JOIN consumers c ON c.creator_id = a.creator_id AND c.id = a.consumer_id
          LEFT JOIN agents g ON g.creator_id = a.creator_id
          LEFT JOIN LATERAL ({LATEST_APPROVED_VERSION.format(creator="a.creator_id")}) p ON true
         WHERE a.id = %s""",
        (approval_id,),
    )


async def approval_status(conn: AsyncConnection, approval_id: str) -> str | None:
    row = await one(conn, "SELECT status FROM approvals WHERE id = %s", (approval_id,))
    return row["status"] if row else None


async def decide_and_resume(
    conn: AsyncConnection,
    approval_id: str,
    status: str,
    decision: dict[str, Any],
    status_reason: str | None,
    audit: dict[str, Any],
    resume_job: dict[str, Any],
) -> Row | None:
    """Compare-and-set a decision on a pending draft still within its TTL, with its audit
    entry (`audit`: audit_trail.audit_params) and the job that resumes the thread
    (`resume_job`: server.jobs.JobQueue.resume_job), in one statement: all or none, in one
    round trip. None if the approval is not pending, or is past its TTL (the caller tells
    which)."""
    return await one(
        conn,
        f"""
        WITH decided AS (
            UPDATE approvals a
               SET status = %(status)s, decision = %(decision)s,
                   status_reason = %(status_reason)s, decided_at = now()
             WHERE a.id = %(approval_id)s AND a.status = 'pending'
               AND NOT EXISTS (SELECT 1 FROM agents g WHERE g.creator_id = a.creator_id
                                  AND {EXPIRING} AND {EXPIRES_AT} <= now())
            RETURNING a.*),
        audited AS ({audit_from("decided")}),
        queued AS ({defer_job_from("decided")})
        SELECT decided.* FROM decided, queued""",
        {
            "approval_id": approval_id,
            "status": status,
            "decision": Jsonb(decision),
            "status_reason": status_reason,
            **audit,
            **job_params(resume_job),
        },
    )


async def approve_by_agent(
    conn: AsyncConnection,
    approval_id: str,
    decision: dict[str, Any],
    reason: str,
    undo_window_s: float,
) -> Row | None:
    """Compare-and-set pending -> agent_approved, to be sent after the undo window (from
    the database's clock, like every other time here). None if it was not pending."""
    return await one(
        conn,
        """
        UPDATE approvals SET status = 'agent_approved', decision = %s, status_reason = %s,
               decided_at = now(), send_after = now() + make_interval(secs => %s)
         WHERE id = %s AND status = 'pending' RETURNING *""",
        (Jsonb(decision), reason, undo_window_s, approval_id),
    )


async def lock_for_send(conn: AsyncConnection, approval_id: str) -> str | None:
    """The approval's status, its row locked until the caller's transaction ends: a cancel
    waits for a send being claimed, and a claim waits for a cancel being made."""
    row = await one(
        conn, "SELECT status FROM approvals WHERE id = %s FOR NO KEY UPDATE", (approval_id,)
    )
    return row["status"] if row else None


async def has_message(conn: AsyncConnection, approval_id: str) -> bool:
    row = await one(conn, "SELECT 1 AS found FROM messages WHERE approval_id = %s", (approval_id,))
    return row is not None


async def cancel(conn: AsyncConnection, approval_id: str, reason: str) -> Row | None:
    """agent_approved -> cancelled (the caller holds the row's lock and found no message)."""
    return await one(
        conn,
        """UPDATE approvals SET status = 'cancelled', status_reason = %s, decided_at = now()
            WHERE id = %s AND status = 'agent_approved' RETURNING *""",
        (reason, approval_id),
    )


async def expire(conn: AsyncConnection, approval_id: str) -> Row | None:
    """Compare-and-set pending (or held) -> expired, only once the draft is older than its
    agent's draft_ttl_hours. None if it is not (or no longer) such a draft past its TTL."""
    return await one(
        conn,
        f"""
        UPDATE approvals a SET status = 'expired', decided_at = now(),
               status_reason = CASE WHEN a.status = 'held'
                   THEN 'the lead did not answer within ' || g.draft_ttl_hours || ' hours'
                   ELSE 'no decision within ' || g.draft_ttl_hours || ' hours' END
          FROM agents g
         WHERE a.id = %s AND {EXPIRING}
           AND g.creator_id = a.creator_id AND {EXPIRES_AT} <= now()
        RETURNING a.*, g.draft_ttl_hours""",
        (approval_id,),
    )


async def due_to_expire(conn: AsyncConnection, limit: int) -> list[str]:
    """Ids of pending drafts older than their agent's draft_ttl_hours, oldest first."""
    rows = await all_rows(
        conn,
        f"""SELECT a.id FROM approvals a JOIN agents g ON g.creator_id = a.creator_id
             WHERE {EXPIRING} AND {EXPIRES_AT} <= now()
             ORDER BY a.created_at LIMIT %s""",
        (limit,),
    )
    return [row["id"] for row in rows]


async def withdraw(
    conn: AsyncConnection, approval_id: str, reason: str, withdrawable: list[str]
) -> bool:
    """Withdraw the draft unless a message went out for it; True when it was withdrawn."""
    cur = await conn.execute(
        """UPDATE approvals SET status = 'withdrawn', status_reason = %s, decided_at = now()
            WHERE id = %s AND status = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.approval_id = approvals.id)""",
        (reason, approval_id, withdrawable),
    )
    return cur.rowcount == 1


async def thread_approvals(conn: AsyncConnection, thread_id: str, limit: int) -> list[Row]:
    return await all_rows(
        conn,
        APPROVAL_VIEW + " WHERE a.thread_id = %s ORDER BY a.created_at DESC LIMIT %s",
        (thread_id, limit),
    )


async def lead_approvals(conn: AsyncConnection, creator_id: str, lead_id: str) -> list[Row]:
    return await all_rows(
        conn,
        "SELECT * FROM approvals WHERE creator_id = %s AND consumer_id = %s ORDER BY created_at",
        (creator_id, lead_id),
    )


async def withdraw_pending_of_lead(
    conn: AsyncConnection, creator_id: str, lead_id: str, reason: str
) -> int:
    cur = await conn.execute(
        """UPDATE approvals SET status = 'withdrawn', status_reason = %s, decided_at = now()
            WHERE creator_id = %s AND consumer_id = %s AND status = 'pending'""",
        (reason, creator_id, lead_id),
    )
    return cur.rowcount


async def withdraw_unsent_of_lead(
    conn: AsyncConnection,
    creator_id: str,
    lead_id: str,
    reason: str,
    withdrawable: list[str],
    *,
    channel: str | None = None,
    thread_id: str | None = None,
) -> list[Row]:
    """Withdraw the lead's drafts in these statuses that no message went out for (on
    `channel` and `thread_id` only, when given); the withdrawn ones (id, thread_id, kind)."""
    return await all_rows(
        conn,
        """UPDATE approvals SET status = 'withdrawn', status_reason = %s, decided_at = now()
            WHERE creator_id = %s AND consumer_id = %s AND kind = 'message'
              AND (%s::text IS NULL OR channel = %s)
              AND (%s::text IS NULL OR thread_id = %s)
              AND status = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.approval_id = approvals.id)
        RETURNING id, thread_id, kind""",
        (reason, creator_id, lead_id, channel, channel, thread_id, thread_id, withdrawable),
    )


async def delete_lead_approvals(conn: AsyncConnection, creator_id: str, lead_id: str) -> int:
    cur = await conn.execute(
        "DELETE FROM approvals WHERE creator_id = %s AND consumer_id = %s", (creator_id, lead_id)
    )
    return cur.rowcount


async def pending_counts(conn: AsyncConnection, creator_id: str) -> dict[str, int]:
    """How many drafts and profile reviews wait for the creator, by kind."""
    rows = await all_rows(
        conn,
        """SELECT kind, count(*) AS waiting FROM approvals
            WHERE creator_id = %s AND status = 'pending' GROUP BY kind""",
        (creator_id,),
    )
    return {row["kind"]: row["waiting"] for row in rows}


async def hold_for_reply(conn: AsyncConnection, approval_id: str) -> Row | None:
    """An approved draft waits for the lead's answer (WhatsApp's window was closed)."""
    return await one(
        conn,
        """UPDATE approvals SET status = 'held', held_at = now()
             WHERE id = %s AND status = ANY(%s) RETURNING *""",
        (approval_id, ["approved", "edited", "agent_approved"]),
    )


async def set_send_after(conn: AsyncConnection, approval_id: str, send_after: Any) -> Row | None:
    return await one(
        conn,
        "UPDATE approvals SET send_after = %s WHERE id = %s RETURNING *",
        (send_after, approval_id),
    )


async def withdraw_pitches_of_service(
    conn: AsyncConnection,
    creator_id: str,
    lead_id: str,
    thread_id: str,
    service_id: int,
    reason: str,
    withdrawable: list[str],
) -> list[Row]:
    """Withdraw the drafts on the lead's sales thread that offer `service_id` and that no
    message went out for (the lead booked it); the withdrawn ones (id, thread_id)."""
    return await all_rows(
        conn,
        """UPDATE approvals SET status = 'withdrawn', status_reason = %s, decided_at = now()
            WHERE creator_id = %s AND consumer_id = %s AND thread_id = %s AND kind = 'message'
              AND status = ANY(%s)
              AND (draft -> 'service_ids') @> to_jsonb(ARRAY[%s::int])
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.approval_id = approvals.id)
        RETURNING id, thread_id, kind""",
        (reason, creator_id, lead_id, thread_id, withdrawable, service_id),
    )
