ALTER TABLE "hosts" ALTER COLUMN "ram_bytes" SET DATA TYPE numeric(20, 0);--> statement-breakpoint
ALTER TABLE "hosts" ALTER COLUMN "reserved_bytes" SET DATA TYPE numeric(20, 0);