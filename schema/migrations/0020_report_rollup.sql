-- 0020_report_rollup.sql: nothing changes in SQLite.
--
-- PostgreSQL gets its report counts pre-summed per day at 0020
-- (schema/postgresql/0020_report_rollup.sql); SQLite has had them since 0008.
-- The number keeps both histories in step: `motcua copy` and every node
-- compare schema versions across the two stores.
SELECT 1;
