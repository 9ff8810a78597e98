CREATE TABLE "fleet_count_deltas" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"verdict" text NOT NULL,
	"hosts" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fleet_counts" (
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"verdict" text NOT NULL,
	"hosts" bigint NOT NULL,
	CONSTRAINT "fleet_counts_dimension_value_verdict_pk" PRIMARY KEY("dimension","value","verdict")
);
--> statement-breakpoint
-- hand-written below (drizzle-kit does not express functions and triggers); see schema.ts fleetCounts
CREATE FUNCTION "fleet_count_rows"(h "hosts", delta integer)
  RETURNS TABLE("dimension" text, "value" text, "verdict" text, "n" integer)
  LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  -- plpgsql, not sql: an inlined SQL function over a row argument trips the planner in the backfill
  -- a decommissioned host counts nowhere (apps/server/src/services/active-hosts.ts)
  IF h.decommissioned_at IS NOT NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT d.dimension, d.value, h.verdict, delta FROM (VALUES
      ('all', ''),
      ('os', CASE WHEN h.os IS NULL THEN '' ELSE 'v:' || h.os END),
      ('kernel', CASE WHEN h.kernel IS NULL THEN '' ELSE 'v:' || h.kernel END),
      ('duplicate', CASE WHEN h.duplicate_of IS NULL THEN 'no' ELSE 'yes' END)
    ) AS d(dimension, value)
    UNION ALL
    SELECT 'failing'::text, f, h.verdict, delta FROM unnest(h.failing) AS f;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "fleet_counts_track"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "fleet_count_deltas" ("dimension", "value", "verdict", "hosts")
      SELECT * FROM "fleet_count_rows"(NEW, 1);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "fleet_count_deltas" ("dimension", "value", "verdict", "hosts")
      SELECT * FROM "fleet_count_rows"(OLD, -1);
  ELSIF (OLD.verdict, OLD.os, OLD.kernel, OLD.failing, OLD.duplicate_of, OLD.decommissioned_at IS NULL)
        IS DISTINCT FROM (NEW.verdict, NEW.os, NEW.kernel, NEW.failing, NEW.duplicate_of, NEW.decommissioned_at IS NULL) THEN
    INSERT INTO "fleet_count_deltas" ("dimension", "value", "verdict", "hosts")
      SELECT * FROM "fleet_count_rows"(OLD, -1) UNION ALL SELECT * FROM "fleet_count_rows"(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "hosts_fleet_counts" AFTER INSERT OR UPDATE OR DELETE ON "hosts"
  FOR EACH ROW EXECUTE FUNCTION "fleet_counts_track"();
--> statement-breakpoint
INSERT INTO "fleet_counts" ("dimension", "value", "verdict", "hosts")
  SELECT r.dimension, r.value, r.verdict, sum(r.n) FROM "hosts" h, "fleet_count_rows"(h, 1) r GROUP BY 1, 2, 3;
