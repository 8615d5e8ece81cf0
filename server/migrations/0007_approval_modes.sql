-- Approval modes and expiry (issue 9): the agent may approve drafts itself (sent after an
-- undo window the creator can cancel in), and a draft nobody decides on expires.
ALTER TABLE agents ADD COLUMN approval_threshold double precision NOT NULL DEFAULT 0.8
    CHECK (approval_threshold >= 0 AND approval_threshold <= 1);
ALTER TABLE agents ADD COLUMN draft_ttl_hours integer NOT NULL DEFAULT 48
    CHECK (draft_ttl_hours BETWEEN 1 AND 720);

ALTER TABLE approvals DROP CONSTRAINT approvals_status_check;
ALTER TABLE approvals ADD CONSTRAINT approvals_status_check CHECK (status IN (
    'pending', 'approved', 'edited', 'rejected', 'withdrawn',
    'agent_approved', 'cancelled', 'expired'));
-- When an agent-approved message is sent: the end of its undo window.
ALTER TABLE approvals ADD COLUMN send_after timestamptz;

-- The expiry sweep reads pending drafts oldest first.
CREATE INDEX approvals_pending_created_idx ON approvals (created_at) WHERE status = 'pending';
