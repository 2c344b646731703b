-- 0004_state_timers.sql: when each dossier entered its current state, so that
-- the server's timer sweep finds the dossiers whose state timers are due from
-- an index instead of reading every dossier.

ALTER TABLE dossiers ADD COLUMN state_entered_at INTEGER;

-- Existing dossiers: the last event that moved them into their state (claims
-- and releases stay in the state and do not count), or their first event.
UPDATE dossiers SET state_entered_at = (
  SELECT MAX(e.at) FROM events AS e
  WHERE e.dossier_code = dossiers.code AND e.to_state = dossiers.state
    AND (e.idx = 0 OR e.action NOT IN ('claim', 'release')));

CREATE INDEX dossiers_by_state_entry ON dossiers (procedure_code, state, state_entered_at, code);
