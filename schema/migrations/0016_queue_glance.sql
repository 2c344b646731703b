-- 0016_queue_glance.sql: what a work queue shows of each dossier
-- (QueueGlance in engine/domain/legal_clock.h), kept with its queue entries
-- so that listing a queue reads no history.
--
-- queue_entries.escalated: 1 when the engine escalated the dossier during its
-- current stay, else 0; NULL for entries written before this migration,
-- until their dossier is next written (the service then takes the glance
-- from the dossier itself). paused_since: the start of the open pause while
-- the dossier waits for the applicant, Unix seconds. The due date and the
-- end of processing are the dossier's own columns (dossiers.due_at,
-- dossiers.finished_at).
ALTER TABLE queue_entries ADD COLUMN escalated INTEGER;
ALTER TABLE queue_entries ADD COLUMN paused_since INTEGER;
