-- An event's finish says whether other events of its thread wait (server.store.event_log),
-- so the job goes on with the thread's burst only when there is one. Only queued events
-- are in this index: it stays as small as the backlog, and the lookup does not grow with
-- the thread's history. Its cost: an event's finish changes `status`, so the update is no
-- longer HOT (it adds entries to the table's other indexes); the round trip it saves costs
-- more (`make bench`).
CREATE INDEX events_queued_thread_idx ON events (thread_id) WHERE status = 'queued';
