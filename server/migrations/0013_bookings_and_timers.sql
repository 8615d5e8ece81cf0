-- Customer onboarding: each booking a lead makes (its own graph thread), and timers: delayed
-- runs of a thread (a reminder before a session, a thank-you after it, a sales follow-up).

-- One row per booking the marketplace told us about; the sales graph reads the booked
-- services from here so it never pitches what the lead already booked.
CREATE TABLE bookings (
    creator_id text NOT NULL REFERENCES creators (id),
    consumer_id text NOT NULL,
    booking_id text NOT NULL,
    service_id integer,
    thread_id text NOT NULL,
    -- booked -> completed, or cancelled; a cancelled booking never comes back.
    status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'completed', 'cancelled')),
    starts_at timestamptz,
    ends_at timestamptz,
    paid boolean NOT NULL DEFAULT false,
    booked_at timestamptz,  -- the booking_created event's occurred_at: a sign of the lead
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (creator_id, consumer_id, booking_id)
);

-- A delayed run of a thread. The job (procrastinate, on the thread's lock) fires it; this row
-- is what the API lists, what cancelling marks, and what makes firing happen once.
CREATE TABLE thread_timers (
    id text PRIMARY KEY,
    creator_id text NOT NULL REFERENCES creators (id),
    consumer_id text NOT NULL,
    thread_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('reminder', 'thank_you', 'follow_up')),
    due_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'fired', 'cancelled')),
    details jsonb NOT NULL DEFAULT '{}',
    job_id bigint,
    event_id text,  -- the `timer` event it became when it fired
    cancel_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX thread_timers_lead_idx ON thread_timers (creator_id, consumer_id, status, due_at);
CREATE INDEX thread_timers_thread_idx ON thread_timers (thread_id, status);

-- Per agent: how long before a session the reminder goes, and the sales follow-ups.
ALTER TABLE agents
    ADD COLUMN reminder_hours_before integer NOT NULL DEFAULT 24
        CHECK (reminder_hours_before BETWEEN 1 AND 720),
    ADD COLUMN follow_up_after_hours integer NOT NULL DEFAULT 72
        CHECK (follow_up_after_hours BETWEEN 1 AND 2160),
    ADD COLUMN max_follow_ups integer NOT NULL DEFAULT 1 CHECK (max_follow_ups BETWEEN 0 AND 5);
