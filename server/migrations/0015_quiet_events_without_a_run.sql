-- A quiet event on an idle sales thread is decided without a graph run (server.quiet_path):
-- the lead's context in this table is then the one the thread carries on with, and every
-- graph run starts from it. `run_open` says whether the thread's graph may hold a run that
-- has not ended (it waits on a draft's approval, or stopped mid-way): such a thread's events
-- always run the graph. Set before a graph run starts and from the run's end, so a crash
-- in between leaves it open. Rows written before this column existed count as open until
-- their next run says otherwise.
ALTER TABLE consumer_context ADD COLUMN run_open boolean NOT NULL DEFAULT true;
