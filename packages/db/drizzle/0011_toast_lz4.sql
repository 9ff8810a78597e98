-- issue 13: the evidence and the reports are written compressed with lz4 instead of pglz, the
-- default. Every changed snapshot writes ≈ 25 KB of jsonb (sources; checks and facts) that
-- PostgreSQL compresses out of line, and pglz was the largest part of that statement's CPU
-- (BENCHMARKS.md "Changed snapshot: profile and cuts"). Values written before keep pglz and read
-- as before; nothing else changes. A server built without lz4 (or a PGlite without it) keeps pglz.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE "snapshots" ALTER COLUMN "sources" SET COMPRESSION lz4';
  EXECUTE 'ALTER TABLE "host_reports" ALTER COLUMN "checks" SET COMPRESSION lz4';
  EXECUTE 'ALTER TABLE "host_reports" ALTER COLUMN "facts" SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 compression not available here: the evidence stays compressed with pglz';
END $$;
