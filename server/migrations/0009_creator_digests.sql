-- Digests that tell a creator drafts wait in their inbox: where each creator wants them
-- (optional, one address per creator) and every digest sent, the record that limits them
-- to one per NOTIFY_EVERY_MIN. A digest names no lead, so erasing a lead leaves it as is.
CREATE TABLE creator_notifications (
    creator_id text PRIMARY KEY REFERENCES creators (id),
    enabled boolean NOT NULL DEFAULT true,
    channel text NOT NULL CHECK (channel IN ('email', 'whatsapp')),
    address text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE creator_digests (
    id text PRIMARY KEY,
    creator_id text NOT NULL REFERENCES creators (id),
    channel text NOT NULL,
    address text NOT NULL,
    drafts_waiting integer NOT NULL,
    profiles_waiting integer NOT NULL,
    -- The newest waiting item it announced: the next digest needs something newer.
    newest_waiting_at timestamptz NOT NULL,
    body text NOT NULL,                       -- as sent, with the sign-in link left out
    status text NOT NULL DEFAULT 'sending'
        CHECK (status IN ('sending', 'sent', 'recorded', 'failed')),
    transport text,
    provider_message_id text,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX creator_digests_creator_idx ON creator_digests (creator_id, created_at DESC);
