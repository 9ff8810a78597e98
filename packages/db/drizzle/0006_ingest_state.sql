ALTER TABLE "hosts" ADD COLUMN "ingest_failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "ingest_failure_reason" text;