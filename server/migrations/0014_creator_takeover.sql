-- The creator takes over: their own message to a lead (POST /threads/{creator}/{lead}/messages)
-- pauses the agent on that thread for the agent's `takeover_hours`.
ALTER TABLE agents ADD COLUMN takeover_hours integer NOT NULL DEFAULT 48
    CHECK (takeover_hours BETWEEN 1 AND 720);

-- One row per thread the creator took over; `paused_until` is read with every event of the
-- thread (store.event_log.event_to_run) and compared with the event's occurred_at.
CREATE TABLE thread_pauses (
    thread_id text PRIMARY KEY,
    creator_id text NOT NULL,
    consumer_id text NOT NULL,
    paused_until timestamptz NOT NULL,
    message_id text NOT NULL,  -- the creator's message that started the latest pause
    paused_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (creator_id, consumer_id) REFERENCES consumers (creator_id, id) ON DELETE CASCADE
);

-- The creator's own messages ('creator'): not capped, like a reply. The purpose check is
-- widened from whatever it lists now (an earlier migration may have added purposes too).
DO $$
DECLARE
    current text;
BEGIN
    SELECT pg_get_constraintdef(oid) INTO current FROM pg_constraint
     WHERE conrelid = 'messages'::regclass AND conname = 'messages_purpose_check';
    IF current IS NOT NULL AND position('''creator''' IN current) = 0 THEN
        ALTER TABLE messages DROP CONSTRAINT messages_purpose_check;
        EXECUTE 'ALTER TABLE messages ADD CONSTRAINT messages_purpose_check '
            || replace(current, '''sales''::text', '''sales''::text, ''creator''::text');
    END IF;
END $$;
