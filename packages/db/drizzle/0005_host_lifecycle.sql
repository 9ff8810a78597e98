ALTER TABLE "enrollment_tokens" ADD COLUMN "max_hosts" integer;--> statement-breakpoint
ALTER TABLE "host_credentials" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "enroll_key_hash" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "enroll_token_id" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "decommissioned_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "host_credentials_secret_idx" ON "host_credentials" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "hosts_enroll_key_idx" ON "hosts" USING btree ("enroll_key_hash");--> statement-breakpoint
CREATE INDEX "hosts_enroll_token_idx" ON "hosts" USING btree ("enroll_token_id");--> statement-breakpoint
CREATE INDEX "hosts_decommissioned_idx" ON "hosts" USING btree ("decommissioned_at");--> statement-breakpoint
CREATE INDEX "snapshots_received_idx" ON "snapshots" USING btree ("received_at");--> statement-breakpoint
-- hosts enrolled before this migration: the token that created them, for the token's host cap
UPDATE "hosts" SET "enroll_token_id" = c."token_id" FROM "host_credentials" c WHERE c."host_id" = "hosts"."id";
