-- Email a mailbox provider accepts: each creator's postal address for the line under every
-- email (unset: SENDER_POSTAL_ADDRESS), and the service's own secrets, made once by the
-- first process that starts and shared by every replica and worker (the key that signs
-- unsubscribe links).
ALTER TABLE agents ADD COLUMN postal_address text
    CHECK (postal_address IS NULL OR length(postal_address) BETWEEN 1 AND 500);

CREATE TABLE service_secrets (
    name text PRIMARY KEY,
    secret bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
