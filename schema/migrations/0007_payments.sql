-- 0007_payments.sql: fee payments, one row per transaction, written in the
-- same transaction as the dossier's payment action. The primary key makes a
-- replayed gateway confirmation or a reused desk receipt a conflict that
-- changes nothing.
CREATE TABLE payments (
  transaction_id TEXT    PRIMARY KEY,  -- the gateway's id, or desk:AGENCY:RECEIPT
  dossier_code   TEXT    NOT NULL,
  channel        INTEGER NOT NULL,     -- national channel code: 1 desk, 2 online, 3 post
  amount         INTEGER NOT NULL,     -- VND
  recorded_at    INTEGER NOT NULL,
  recorded_by    TEXT    NOT NULL
);

CREATE INDEX payments_by_dossier ON payments (dossier_code);
