-- Tenancy: every lead belongs to one creator, API keys carry a scope, and the audit log
-- names a creator on every entry and cannot be rewritten.

-- 1. Leads are identified by (creator_id, external id). A lead that several creators knew
--    becomes one lead per creator, each with the contact details it had. A lead no creator
--    ever touched (no event, draft, message or context) has no owner: it is kept in
--    unassigned_consumers for an operator to post again under the right creator.
DO $$
DECLARE fk record;
BEGIN
    FOR fk IN
        SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
         WHERE contype = 'f' AND confrelid = 'consumers'::regclass
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
    END LOOP;
END $$;

ALTER TABLE consumers RENAME TO unassigned_consumers;
ALTER TABLE unassigned_consumers RENAME CONSTRAINT consumers_pkey TO unassigned_consumers_pkey;

CREATE TABLE consumers (
    creator_id text NOT NULL REFERENCES creators (id),
    id text NOT NULL,                         -- the client's external id, unique per creator
    name text NOT NULL,
    whatsapp text,
    email text,
    timezone text,
    consent jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (creator_id, id)
);
CREATE INDEX consumers_creator_created_idx ON consumers (creator_id, created_at, id);

INSERT INTO consumers (creator_id, id, name, whatsapp, email, timezone, consent, created_at,
                       updated_at)
SELECT owners.creator_id, c.id, c.name, c.whatsapp, c.email, c.timezone, c.consent,
       c.created_at, c.updated_at
  FROM unassigned_consumers c
  JOIN (SELECT creator_id, consumer_id FROM events
        UNION SELECT creator_id, consumer_id FROM approvals WHERE consumer_id IS NOT NULL
        UNION SELECT creator_id, consumer_id FROM messages
        UNION SELECT creator_id, consumer_id FROM consumer_context) owners
    ON owners.consumer_id = c.id
  JOIN creators ON creators.id = owners.creator_id;

DELETE FROM unassigned_consumers u
 WHERE EXISTS (SELECT 1 FROM consumers c WHERE c.id = u.id);

ALTER TABLE consumer_context ADD FOREIGN KEY (creator_id, consumer_id)
    REFERENCES consumers (creator_id, id);
ALTER TABLE events ADD FOREIGN KEY (creator_id, consumer_id)
    REFERENCES consumers (creator_id, id);
ALTER TABLE approvals ADD FOREIGN KEY (creator_id, consumer_id)
    REFERENCES consumers (creator_id, id);
-- Messages never had a foreign key; checked for new rows only, so no old row stops a start.
ALTER TABLE messages ADD FOREIGN KEY (creator_id, consumer_id)
    REFERENCES consumers (creator_id, id) NOT VALID;

CREATE INDEX events_creator_consumer_idx ON events (creator_id, consumer_id, received_at, id);
CREATE INDEX events_creator_received_idx ON events (creator_id, received_at, id);
CREATE INDEX messages_creator_consumer_idx ON messages (creator_id, consumer_id);
CREATE INDEX messages_approval_idx ON messages (approval_id);
CREATE INDEX creators_created_idx ON creators (created_at, id);

-- 2. API keys: only a hash is stored; the key itself is shown once, when it is issued.
CREATE TABLE api_keys (
    id text PRIMARY KEY,
    scope text NOT NULL,                      -- 'admin' or 'creator:<creator_id>'
    creator_id text REFERENCES creators (id), -- set for a creator key
    key_hash text NOT NULL UNIQUE,            -- sha256 of the key (keys are 256-bit random)
    name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CHECK ((scope = 'admin' AND creator_id IS NULL)
           OR (scope = 'creator:' || creator_id))
);
CREATE INDEX api_keys_created_idx ON api_keys (created_at, id);

-- 3. Every audit entry names its creator. Earlier releases wrote onboarding entries with
--    the thread's namespace ('onboarding') as creator (and the run's id as consumer), and
--    creator or agent entries with none; both are recovered from the run, the details or
--    the agent. An onboarding is about no lead.
UPDATE audit_log a SET creator_id = o.creator_id, consumer_id = NULL
  FROM onboardings o
 WHERE a.thread_id = 'onboarding:' || o.id;
UPDATE audit_log SET creator_id = details ->> 'creator_id'
 WHERE thread_id IS NULL AND details ? 'creator_id';
UPDATE audit_log a SET creator_id = g.creator_id
  FROM agents g
 WHERE a.thread_id IS NULL AND a.details ->> 'agent_id' = g.id;
-- New entries must name one; an old entry nothing can attribute stays as it was.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_names_creator
    CHECK (creator_id IS NOT NULL) NOT VALID;
CREATE INDEX audit_log_creator_consumer_idx ON audit_log (creator_id, consumer_id, id);

-- 4. The audit log is append-only. The one exception is a lead's erasure, which sets
--    creator_agents.erasure = 'on' for its own transaction (SET LOCAL) and removes the
--    entries about that lead.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('creator_agents.erasure', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
