-- Compliance: a consent ledger (every grant and withdrawal, who, when, how, for which
-- creator), an address-level suppression list every send checks, and each agent's
-- sending rules (quiet hours in the lead's time zone, frequency caps).

-- consumers.consent stays the current value per channel; the ledger is its history.
CREATE TABLE consent_ledger (
    id bigserial PRIMARY KEY,
    creator_id text NOT NULL REFERENCES creators (id),
    consumer_id text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
    granted boolean NOT NULL,
    -- How: 'api' (the client posted the lead), 'whatsapp_stop', 'unsubscribe_link',
    -- 'email_complaint', 'provider_error', 'creator'...
    source text NOT NULL,
    -- Who: 'lead', 'api', 'creator', 'provider', 'system'.
    given_by text NOT NULL,
    evidence jsonb NOT NULL DEFAULT '{}',
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_ledger_lead_idx ON consent_ledger (creator_id, consumer_id, id);

-- An address no creator may send to: a permanent bounce, a complaint, a STOP to a shared
-- sender, a provider's "opted out". Not per creator: the provider's reputation is shared.
CREATE TABLE suppressions (
    channel text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
    address text NOT NULL,                    -- lower-case email, or +E.164 number
    reason text NOT NULL,                     -- bounce, complaint, stop, opted_out...
    source text NOT NULL,                     -- ses, twilio, api...
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, address)
);

-- Each agent's sending rules. Quiet hours: no message before `quiet_hours_end` or from
-- `quiet_hours_start` on, in the lead's time zone (a send due then waits for the next
-- allowed minute). Caps count sales outreach sent or scheduled.
ALTER TABLE agents
    ADD COLUMN quiet_hours_start time NOT NULL DEFAULT '21:00',
    ADD COLUMN quiet_hours_end time NOT NULL DEFAULT '08:00',
    ADD COLUMN max_per_lead_per_day integer NOT NULL DEFAULT 1 CHECK (max_per_lead_per_day >= 0),
    ADD COLUMN max_per_lead_per_week integer NOT NULL DEFAULT 2
        CHECK (max_per_lead_per_week >= 0),
    ADD COLUMN max_per_creator_per_day integer NOT NULL DEFAULT 200
        CHECK (max_per_creator_per_day >= 0);

-- What a message is, for the caps: 'sales' outreach is capped, a booking's own messages
-- ('service') are not.
ALTER TABLE messages ADD COLUMN purpose text NOT NULL DEFAULT 'sales'
    CHECK (purpose IN ('sales', 'reply', 'service', 'template'));
CREATE INDEX messages_lead_sent_idx ON messages (creator_id, consumer_id, created_at);

-- What the provider said happened after it took a message (Twilio status callbacks, SES
-- delivery notifications). Moves only forward; `status` stays the send's own outcome.
ALTER TABLE messages
    ADD COLUMN delivery_status text,
    ADD COLUMN delivery_error_code text,
    ADD COLUMN delivery_updated_at timestamptz;
CREATE INDEX messages_provider_message_idx ON messages (transport, provider_message_id);

-- Webhook notifications handled, by the provider's own id (a MessageSid, an SNS
-- MessageId): a repeat is acknowledged and changes nothing.
CREATE TABLE webhook_receipts (
    provider text NOT NULL,
    receipt_id text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, receipt_id)
);

-- WhatsApp outside the 24-hour window: the creator's approved template (content SID and
-- which fact fills each variable) opens the conversation, and the approved draft is 'held'
-- until the lead answers (then sent at once) or until it expires.
ALTER TABLE agents
    ADD COLUMN whatsapp_template_sid text,
    ADD COLUMN whatsapp_template_variables jsonb;
ALTER TABLE approvals DROP CONSTRAINT approvals_status_check;
ALTER TABLE approvals ADD CONSTRAINT approvals_status_check CHECK (status IN (
    'pending', 'approved', 'edited', 'rejected', 'withdrawn',
    'agent_approved', 'cancelled', 'expired', 'held'));
ALTER TABLE approvals ADD COLUMN held_at timestamptz;
CREATE INDEX approvals_held_idx ON approvals (held_at) WHERE status = 'held';
