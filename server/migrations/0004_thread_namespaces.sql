-- Thread ids name their graph: sales threads were `creator:consumer` and become
-- `sales:creator:consumer`; onboarding threads keep `onboarding:<id>`. A thread is a sales
-- thread when events were posted to it; ids hold no ':', so an old id has exactly one
-- (a creator named "sales" had `sales:lead`) and a new one two.
CREATE TEMPORARY TABLE old_sales_threads ON COMMIT DROP AS
    SELECT DISTINCT thread_id FROM events WHERE thread_id NOT LIKE '%:%:%';

UPDATE events SET thread_id = 'sales:' || thread_id
 WHERE thread_id IN (SELECT thread_id FROM old_sales_threads);
UPDATE approvals SET thread_id = 'sales:' || thread_id
 WHERE kind = 'message' AND thread_id IN (SELECT thread_id FROM old_sales_threads);
UPDATE messages SET thread_id = 'sales:' || thread_id
 WHERE thread_id IN (SELECT thread_id FROM old_sales_threads);
UPDATE audit_log SET thread_id = 'sales:' || thread_id
 WHERE thread_id IN (SELECT thread_id FROM old_sales_threads);
UPDATE procrastinate_jobs SET lock = 'sales:' || lock
 WHERE status = 'todo' AND lock IN (SELECT thread_id FROM old_sales_threads);

-- The checkpointer's tables exist only once it has been set up (not on a new database).
DO $$
BEGIN
    IF to_regclass('checkpoints') IS NOT NULL THEN
        UPDATE checkpoints SET thread_id = 'sales:' || thread_id
         WHERE thread_id IN (SELECT thread_id FROM old_sales_threads);
        UPDATE checkpoint_blobs SET thread_id = 'sales:' || thread_id
         WHERE thread_id IN (SELECT thread_id FROM old_sales_threads);
        UPDATE checkpoint_writes SET thread_id = 'sales:' || thread_id
         WHERE thread_id IN (SELECT thread_id FROM old_sales_threads);
    END IF;
END $$;
