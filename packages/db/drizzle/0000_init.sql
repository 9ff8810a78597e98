CREATE TABLE "alert_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"host_id" text NOT NULL,
	"check_id" text,
	"state" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"last_notified_at" timestamp with time zone,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "enrollment_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"label" text,
	"max_uses" integer NOT NULL,
	"uses" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "enrollment_tokens_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "host_credentials" (
	"host_id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"token_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "host_duplicates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"original_host_id" text NOT NULL,
	"duplicate_host_id" text,
	"machine_id" text NOT NULL,
	"hostname" text NOT NULL,
	"remote_address" text,
	"detected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "host_reports" (
	"host_id" text PRIMARY KEY NOT NULL,
	"snapshot_id" bigint,
	"judged_at" timestamp with time zone NOT NULL,
	"checks" jsonb NOT NULL,
	"facts" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"id" text PRIMARY KEY NOT NULL,
	"machine_id" text NOT NULL,
	"hostname" text NOT NULL,
	"duplicate_of" text,
	"verdict" text DEFAULT 'unknown' NOT NULL,
	"failing" text[] DEFAULT '{}'::text[] NOT NULL,
	"os" text,
	"kernel" text,
	"ram_bytes" bigint,
	"crashkernel" text,
	"reserved_bytes" bigint,
	"agent_version" text,
	"remote_address" text,
	"enrolled_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"verdict_since" timestamp with time zone NOT NULL,
	"stale_clock_at" timestamp with time zone NOT NULL,
	"stale_since" timestamp with time zone,
	"content_hash" text,
	"judgement_hash" text,
	"latest_snapshot_id" bigint
);
--> statement-breakpoint
CREATE TABLE "server_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"beat_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"host_id" text NOT NULL,
	"hash" text NOT NULL,
	"collected_at" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"verdict" text NOT NULL,
	"sources" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"host_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_verdict" text,
	"to_verdict" text NOT NULL,
	"failing" text[] NOT NULL,
	"snapshot_id" bigint
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_credentials" ADD CONSTRAINT "host_credentials_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_duplicates" ADD CONSTRAINT "host_duplicates_original_host_id_hosts_id_fk" FOREIGN KEY ("original_host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_duplicates" ADD CONSTRAINT "host_duplicates_duplicate_host_id_hosts_id_fk" FOREIGN KEY ("duplicate_host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_reports" ADD CONSTRAINT "host_reports_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_duplicate_of_hosts_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."hosts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transitions" ADD CONSTRAINT "transitions_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_outbox_due_idx" ON "alert_outbox" USING btree ("next_attempt_at") WHERE "alert_outbox"."delivered_at" is null;--> statement-breakpoint
CREATE INDEX "alerts_host_idx" ON "alerts" USING btree ("host_id");--> statement-breakpoint
CREATE INDEX "alerts_state_idx" ON "alerts" USING btree ("state");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_fingerprint_idx" ON "alerts" USING btree ("fingerprint") WHERE "alerts"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "host_duplicates_original_idx" ON "host_duplicates" USING btree ("original_host_id");--> statement-breakpoint
CREATE INDEX "host_duplicates_duplicate_idx" ON "host_duplicates" USING btree ("duplicate_host_id");--> statement-breakpoint
CREATE INDEX "hosts_machine_id_idx" ON "hosts" USING btree ("machine_id");--> statement-breakpoint
CREATE INDEX "hosts_hostname_idx" ON "hosts" USING btree ("hostname","id");--> statement-breakpoint
CREATE INDEX "hosts_verdict_idx" ON "hosts" USING btree ("verdict","hostname","id");--> statement-breakpoint
CREATE INDEX "hosts_failing_idx" ON "hosts" USING gin ("failing");--> statement-breakpoint
CREATE INDEX "hosts_os_idx" ON "hosts" USING btree ("os","id");--> statement-breakpoint
CREATE INDEX "hosts_kernel_idx" ON "hosts" USING btree ("kernel","id");--> statement-breakpoint
CREATE INDEX "hosts_last_seen_idx" ON "hosts" USING btree ("last_seen_at","id");--> statement-breakpoint
CREATE INDEX "hosts_verdict_since_idx" ON "hosts" USING btree ("verdict_since","id");--> statement-breakpoint
CREATE INDEX "hosts_enrolled_idx" ON "hosts" USING btree ("enrolled_at","id");--> statement-breakpoint
CREATE INDEX "hosts_stale_clock_idx" ON "hosts" USING btree ("stale_clock_at","id");--> statement-breakpoint
CREATE INDEX "hosts_duplicate_of_idx" ON "hosts" USING btree ("duplicate_of");--> statement-breakpoint
CREATE INDEX "server_instances_beat_idx" ON "server_instances" USING btree ("beat_at");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "snapshots_host_idx" ON "snapshots" USING btree ("host_id","id");--> statement-breakpoint
CREATE INDEX "transitions_host_idx" ON "transitions" USING btree ("host_id","id");--> statement-breakpoint
CREATE INDEX "transitions_at_idx" ON "transitions" USING btree ("at");