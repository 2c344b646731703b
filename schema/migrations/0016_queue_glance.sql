-- 0016_queue_glance.sql: what a work queue shows of each dossier
-- (QueueGlance in engine/domain/legal_clock.h), kept with its queue entries
-- so that listing a queue reads no dossier and no history.
--
-- queue_entries.glance_kept: 1 for entries written with a glance. Entries
-- written before this migration keep NULL until their dossier is next
-- written; for those the service takes the glance from the dossier itself.
-- escalated: 1 when the engine escalated the dossier during its current stay.
-- glance_due_at: the legal due date while processing runs (NULL once it has
-- ended, or without one); paused_since: the start of the open pause while
-- the dossier waits for the applicant. Unix seconds.
ALTER TABLE queue_entries ADD COLUMN glance_kept INTEGER;
ALTER TABLE queue_entries ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_entries ADD COLUMN glance_due_at INTEGER;
ALTER TABLE queue_entries ADD COLUMN paused_since INTEGER;
