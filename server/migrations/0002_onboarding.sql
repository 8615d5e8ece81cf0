-- Onboarding runs, profile reviews through the approvals table, agent triggers.
CREATE TABLE onboardings (
    id text PRIMARY KEY,
    creator_id text NOT NULL REFERENCES creators (id),
    data_source text NOT NULL CHECK (data_source IN ('marketplace', 'inline')),
    status text NOT NULL DEFAULT 'queued' CHECK (status IN
        ('queued', 'fetching', 'drafting', 'awaiting_review', 'approved', 'rejected', 'failed')),
    error text,
    raw_data jsonb,                           -- the marketplace data this run used
    model_answer jsonb,                       -- what the model wrote, before checks and edits
    problems jsonb NOT NULL DEFAULT '[]',     -- what the profile check found, per attempt
    timings jsonb NOT NULL DEFAULT '{}',      -- milliseconds per step
    profile_version integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX onboardings_creator_idx ON onboardings (creator_id, created_at);

ALTER TABLE creator_profiles ADD COLUMN onboarding_id text REFERENCES onboardings (id);
ALTER TABLE creator_profiles ADD CONSTRAINT creator_profiles_status_check
    CHECK (status IN ('pending_review', 'approved', 'rejected'));

-- A profile review is an approval too, with no consumer and no channel.
ALTER TABLE approvals ADD COLUMN kind text NOT NULL DEFAULT 'message'
    CHECK (kind IN ('message', 'profile'));
ALTER TABLE approvals ALTER COLUMN consumer_id DROP NOT NULL;
ALTER TABLE approvals ALTER COLUMN channel DROP NOT NULL;

-- Which events wake the agent; a trigger may filter on payload values (e.g. service_id).
ALTER TABLE agents ADD COLUMN triggers jsonb NOT NULL DEFAULT
    '[{"event_type": "page_view"}, {"event_type": "service_click"},
      {"event_type": "booking_created"}, {"event_type": "inbound_message"}]';
