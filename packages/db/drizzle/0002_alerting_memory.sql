ALTER TABLE "alert_dump_baselines" ALTER COLUMN "names" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_dump_baselines" ADD COLUMN "evaluated" text;