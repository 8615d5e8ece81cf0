-- Repair threads broken by an earlier release: a resume carried the lead's facts as
-- `Command(update={"consumer": ...})`, and an attempt that failed after saving that update was
-- retried with it once more, so the checkpoint holds two `consumer` writes of the graph's
-- input task for one step and can no longer be read. Keep the first: savers key these writes
-- by position, so the next resume saves the lead's facts into that same slot again.
DO $$
BEGIN
    IF to_regclass('checkpoint_writes') IS NOT NULL THEN
        DELETE FROM checkpoint_writes w
         USING (SELECT thread_id, checkpoint_ns, checkpoint_id, min(idx) AS keep
                  FROM checkpoint_writes
                 WHERE task_id = '00000000-0000-0000-0000-000000000000'
                   AND channel = 'consumer'
                 GROUP BY thread_id, checkpoint_ns, checkpoint_id
                HAVING count(*) > 1) doubled
         WHERE w.thread_id = doubled.thread_id
           AND w.checkpoint_ns = doubled.checkpoint_ns
           AND w.checkpoint_id = doubled.checkpoint_id
           AND w.task_id = '00000000-0000-0000-0000-000000000000'
           AND w.channel = 'consumer'
           AND w.idx <> doubled.keep;
    END IF;
END $$;
