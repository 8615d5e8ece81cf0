-- Creators, their sales profile versions and their agents.
CREATE TABLE creators (
    id text PRIMARY KEY,                      -- the marketplace username
    display_name text NOT NULL,
    marketplace_data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE creator_profiles (
    creator_id text NOT NULL REFERENCES creators (id),
    version integer NOT NULL,
    profile jsonb NOT NULL,
    source text NOT NULL,                     -- 'deterministic' or 'llm'
    status text NOT NULL DEFAULT 'approved',  -- only approved versions ground drafts
    created_at timestamptz NOT NULL DEFAULT now(),
    approved_at timestamptz,
    PRIMARY KEY (creator_id, version)
);

CREATE TABLE agents (
    id text PRIMARY KEY,
    creator_id text NOT NULL UNIQUE REFERENCES creators (id),
    approval_mode text NOT NULL DEFAULT 'manual'
        CHECK (approval_mode IN ('manual', 'semi_auto', 'auto')),
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Consumers (leads) and what the agent knows of each one per creator.
CREATE TABLE consumers (
    id text PRIMARY KEY,                      -- the client's external id
    name text NOT NULL,
    whatsapp text,
    email text,
    timezone text,
    consent jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE consumer_context (
    creator_id text NOT NULL REFERENCES creators (id),
    consumer_id text NOT NULL REFERENCES consumers (id),
    context jsonb NOT NULL,                   -- mirror of the sales graph's bounded summary
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (creator_id, consumer_id)
);

-- Every event received; the job queue row for it is written in the same transaction.
CREATE TABLE events (
    id text PRIMARY KEY,
    creator_id text NOT NULL REFERENCES creators (id),
    consumer_id text NOT NULL REFERENCES consumers (id),
    thread_id text NOT NULL,
    type text NOT NULL,
    source text,
    payload jsonb NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    request_hash text NOT NULL,               -- a repeated event_id must carry the same event
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processed', 'failed')),
    decision jsonb,
    error text,
    processed_at timestamptz
);
CREATE INDEX events_thread_idx ON events (thread_id, occurred_at);

-- Drafts waiting for (or decided by) the creator.
CREATE TABLE approvals (
    id text PRIMARY KEY,
    thread_id text NOT NULL,
    creator_id text NOT NULL REFERENCES creators (id),
    consumer_id text NOT NULL REFERENCES consumers (id),
    event_id text REFERENCES events (id),
    channel text NOT NULL,
    draft jsonb NOT NULL,
    profile_version integer,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'edited', 'rejected', 'withdrawn')),
    decision jsonb,
    status_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz
);
-- One pending draft per thread: the agent never stacks drafts for one lead.
CREATE UNIQUE INDEX approvals_one_pending_per_thread ON approvals (thread_id) WHERE status = 'pending';
CREATE INDEX approvals_creator_status_idx ON approvals (creator_id, status, created_at);

-- The outbox: one row per send, claimed by its idempotency key before the provider is called.
CREATE TABLE messages (
    id text PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    approval_id text REFERENCES approvals (id),
    thread_id text NOT NULL,
    creator_id text NOT NULL,
    consumer_id text NOT NULL,
    channel text NOT NULL,
    transport text NOT NULL,                  -- 'twilio', 'ses' or 'outbox'
    to_address text NOT NULL,
    subject text,
    body text NOT NULL,
    status text NOT NULL,                     -- sending, sent, recorded, failed, unconfirmed
    provider_message_id text,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
CREATE INDEX messages_creator_idx ON messages (creator_id, created_at);

-- Append-only trail of who did what.
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    thread_id text,
    creator_id text,
    consumer_id text,
    actor text NOT NULL,                      -- 'agent', 'creator', 'system', 'api'
    action text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_thread_idx ON audit_log (thread_id, id);
