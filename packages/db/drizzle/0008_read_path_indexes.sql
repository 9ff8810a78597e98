-- hand-written (drizzle-kit does not write extensions): pg_trgm for the host search's trigram
-- index below. Trusted since PostgreSQL 13, so the database owner may create it without superuser;
-- PGlite has it as a contrib extension loaded at open (packages/db/src/open.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX "hosts_hostname_trgm_idx" ON "hosts" USING gin ("hostname" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "hosts_ram_bytes_desc_idx" ON "hosts" USING btree (("ram_bytes" is null),coalesce("ram_bytes", '0'::numeric) desc,"id" DESC NULLS FIRST);