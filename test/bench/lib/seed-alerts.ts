/**
 * Alerts for a fleet seeded by seed-hosts.ts, written in the shape the server's alerting engine
 * writes them (apps/server/src/alerting: alert-store.ts columns, alert-types.ts names): one firing
 * KdumpCheckFailing alert per host and failing critical check, opened when the host's verdict
 * changed, plus some that resolved within the last day. The dashboard's Alerts page and the
 * /api/alerts listing read these rows; nothing here decides what the engine would have decided
 * beyond "a failing critical check fires".
 */
import { createHash } from "node:crypto";
import { CRITICAL_CHECKS } from "@kdumpwatch/core";
import { alerts, type Db, hosts, sql } from "@kdumpwatch/db";

const fingerprint = (hostId: string, check: string) =>
  createHash("sha256")
    .update(`${hostId}\u0000KdumpCheckFailing\u0000${check}\u0000`)
    .digest("hex")
    .slice(0, 32);

export interface SeededAlerts {
  firing: number;
  resolved: number;
}

/** `resolved` of the ready hosts get one alert each that resolved an hour ago. */
export async function seedAlerts(db: Db, options: { resolved?: number } = {}): Promise<SeededAlerts> {
  const rows = await db
    .select({
      id: hosts.id,
      hostname: hosts.hostname,
      verdict: hosts.verdict,
      failing: hosts.failing,
      since: hosts.verdictSince,
    })
    .from(hosts);
  const now = Date.now();
  const values: (typeof alerts.$inferInsert)[] = [];
  let resolvedLeft = options.resolved ?? 3;
  let firing = 0;
  for (const h of rows) {
    const critical = h.failing.filter((c) => (CRITICAL_CHECKS as ReadonlySet<string>).has(c));
    for (const check of critical) {
      firing++;
      values.push({
        fingerprint: fingerprint(h.id, check),
        hostId: h.id,
        checkId: check,
        alertname: "KdumpCheckFailing",
        subject: "",
        state: "firing",
        openedAt: h.since,
        firedAt: new Date(h.since.getTime() + 60_000),
        lastNotifiedAt: new Date(h.since.getTime() + 90_000),
        notified: true,
        details: { hostname: h.hostname, summary: `${check} fails on ${h.hostname}`, remediation: "" },
      });
    }
    if (h.verdict === "ready" && resolvedLeft > 0) {
      resolvedLeft--;
      values.push({
        fingerprint: fingerprint(h.id, "kdump.loaded"),
        hostId: h.id,
        checkId: "kdump.loaded",
        alertname: "KdumpCheckFailing",
        subject: "",
        state: "resolved",
        openedAt: new Date(now - 3 * 3_600_000),
        firedAt: new Date(now - 3 * 3_600_000 + 60_000),
        resolvedAt: new Date(now - 3_600_000),
        notified: true,
        details: { hostname: h.hostname, summary: "Capture kernel loaded again", remediation: "" },
      });
    }
  }
  for (let i = 0; i < values.length; i += 500) await db.insert(alerts).values(values.slice(i, i + 500));
  await db.execute(sql`analyze alerts`);
  return { firing, resolved: (options.resolved ?? 3) - resolvedLeft };
}
