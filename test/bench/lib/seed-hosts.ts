/**
 * Seeds a large fleet directly into the database through packages/db's schema (no agents): the
 * read-path benchmark needs 100,000 hosts, far more than one simulator run enrolls quickly. The
 * rows are what ingest would have written for the simulator's hosts: the same templates, verdict
 * mix, hostnames and RAM, each host with its latest report (checks and facts judged by core), its
 * latest snapshot and two transitions.
 */
import { randomUUID } from "node:crypto";
import {
  type ByteCount,
  type CheckResult,
  CRITICAL_CHECKS,
  type HostFacts,
  judgeSnapshot,
  type Snapshot,
} from "@kdumpwatch/core";
import { type Db, hosts, sql, transitions } from "@kdumpwatch/db";
import { DEFAULT_MIX } from "../../sim/args.ts";
import { planHost } from "../../sim/fleet.ts";
import { derivedRandom } from "../../sim/rng.ts";
import { loadTemplates, type Sources, withRam } from "../../sim/templates.ts";

interface Judged {
  /** the key of this judgement and of its sources in a batch's `keyed` (insertSnapshotsAndReports) */
  key: string;
  /** the host's sources without its hostname and machine-id (every host of a key shares them) */
  sources: Sources;
  verdict: string;
  checks: CheckResult[];
  facts: HostFacts;
  failing: string[];
  os: string | null;
  kernel: string | null;
  crashkernel: string | null;
  reservedBytes: ByteCount | null;
  ramBytes: ByteCount | null;
}

/** The same rule as the server's ingest: fail, warn, or unknown on a critical check. */
function failingOf(checks: readonly CheckResult[]): string[] {
  return checks
    .filter(
      (c) =>
        c.status === "fail" || c.status === "warn" || (c.status === "unknown" && CRITICAL_CHECKS.has(c.id)),
    )
    .map((c) => c.id);
}

function judge(key: string, shared: Sources, sources: Sources, now: Date): Judged {
  const j = judgeSnapshot({ sources: sources as Snapshot["sources"], collectedAt: now.toISOString() }, now);
  const os = j.facts.identity?.os;
  return {
    key,
    sources: shared,
    verdict: j.verdict,
    checks: j.checks,
    facts: j.facts,
    failing: failingOf(j.checks),
    os: os?.prettyName ?? ([os?.id, os?.versionId].filter(Boolean).join(" ") || null),
    kernel: j.facts.identity?.kernelRelease ?? null,
    crashkernel: j.facts.crashkernel?.effective ?? null,
    reservedBytes: j.facts.reservation?.bytes ?? null,
    ramBytes: j.facts.memory?.systemRamBytes ?? null,
  };
}

/** A host's latest snapshot and report, its sources and judgement named by their template's key. */
interface SnapshotRow {
  id: number;
  host_id: string;
  hash: string;
  /** collected, received and judged at (ISO 8601, as the snapshot's collected_at text) */
  at: string;
  verdict: string;
  key: string;
  /** the host's own sources (hostname, machine-id), merged into the template's */
  own: Sources;
}

/**
 * The batch's snapshots and host reports in two statements, each key's sources, checks and facts
 * sent once (`keyed`) rather than once per host: built as drizzle inserts,
 * every host's copy of them was mapped and serialised value by value (10,000 hosts: 10.8 s of CPU,
 * most of it in drizzle's jsonb mapping). The rows are the same: a snapshot's sources are its
 * template's with the host's own merged in (jsonb keeps no key order), as the spread did.
 */
async function insertSnapshotsAndReports(
  tx: Pick<Db, "execute">,
  rows: SnapshotRow[],
  keyed: Record<string, Pick<Judged, "sources" | "checks" | "facts">>,
): Promise<void> {
  const values = sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id bigint, host_id text,
    hash text, at text, verdict text, key text, own jsonb)
    join jsonb_each(${JSON.stringify(keyed)}::jsonb) as t(key, value) on t.key = r.key`;
  await tx.execute(sql`insert into snapshots (id, host_id, hash, collected_at, received_at, verdict, sources)
    select r.id, r.host_id, r.hash, r.at, r.at::timestamptz, r.verdict, (t.value->'sources') || r.own
    from ${values}`);
  await tx.execute(sql`insert into host_reports (host_id, snapshot_id, judged_at, checks, facts)
    select r.host_id, r.id, r.at::timestamptz, t.value->'checks', t.value->'facts' from ${values}`);
}

export interface SeedResult {
  hosts: number;
  seconds: number;
  ids: string[];
}

export async function seedHosts(
  db: Db,
  options: {
    count: number;
    capturesDir: string;
    seed?: number;
    batch?: number;
    log?: (line: string) => void;
  },
): Promise<SeedResult> {
  const started = performance.now();
  const seed = options.seed ?? 100_000;
  const batch = options.batch ?? 250;
  const now = new Date();
  const templates = await loadTemplates(options.capturesDir, now);
  const judged = new Map<string, Judged>();
  const judgedOf = (
    template: number,
    variant: number,
    extraGib: number,
    shared: Sources,
    sources: Sources,
  ) => {
    const key = `${template}/${variant}/${extraGib}`;
    let j = judged.get(key);
    if (!j) {
      j = judge(key, shared, sources, now);
      judged.set(key, j);
    }
    return j;
  };
  const ids: string[] = [];
  const day = 86_400_000;
  for (let first = 0; first < options.count; first += batch) {
    const hostRows: (typeof hosts.$inferInsert)[] = [];
    const snapshotRows: SnapshotRow[] = [];
    const keyed: Record<string, Pick<Judged, "sources" | "checks" | "facts">> = {};
    const transitionRows: (typeof transitions.$inferInsert)[] = [];
    for (let index = first; index < Math.min(options.count, first + batch); index++) {
      const plan = planHost(seed, index, templates, DEFAULT_MIX);
      const random = derivedRandom(seed ^ 0x51ed, index);
      const template = templates[plan.template];
      const variant = template?.variants[plan.home];
      if (!template || !variant) throw new Error("planHost returned a template that does not exist");
      const shared = withRam(variant.sources, plan.extraRamGib, 0);
      const own: Sources = {
        hostname: { ok: true, text: `${plan.hostname}\n`, via: "/etc/hostname" },
        machine_id: { ok: true, text: `${plan.machineId}\n`, via: "/etc/machine-id" },
      };
      const j = judgedOf(plan.template, plan.home, plan.extraRamGib, shared, { ...shared, ...own });
      keyed[j.key] ??= { sources: j.sources, checks: j.checks, facts: j.facts };
      const id = randomUUID();
      ids.push(id);
      // 2 % of the fleet has not reported for hours (stale); the rest within the last minute
      const stale = random() < 0.02;
      const lastSeen = new Date(now.getTime() - (stale ? 3_600_000 + random() * day : random() * 60_000));
      const enrolled = new Date(now.getTime() - random() * 400 * day);
      const verdictSince = new Date(
        enrolled.getTime() + random() * (lastSeen.getTime() - enrolled.getTime()),
      );
      const snapshotId = index + 1;
      hostRows.push({
        id,
        machineId: plan.machineId,
        hostname: plan.hostname,
        verdict: j.verdict,
        failing: j.failing,
        os: j.os,
        kernel: j.kernel,
        ramBytes: j.ramBytes,
        crashkernel: j.crashkernel,
        reservedBytes: j.reservedBytes,
        agentVersion: "0.1.0",
        remoteAddress: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
        enrolledAt: enrolled,
        lastSeenAt: lastSeen,
        verdictSince,
        staleClockAt: lastSeen,
        staleSince: stale ? new Date(lastSeen.getTime() + 180_000) : null,
        contentHash: `seed-${index}`,
        judgementHash: `seed-${plan.template}-${plan.home}-${plan.extraRamGib}`,
        latestSnapshotId: snapshotId,
      });
      snapshotRows.push({
        id: snapshotId,
        host_id: id,
        hash: `seed-${index}`,
        at: lastSeen.toISOString(),
        verdict: j.verdict,
        key: j.key,
        own,
      });
      transitionRows.push(
        { hostId: id, at: enrolled, fromVerdict: null, toVerdict: "ready", failing: [], snapshotId },
        {
          hostId: id,
          at: verdictSince,
          fromVerdict: "ready",
          toVerdict: j.verdict,
          failing: j.failing,
          snapshotId,
        },
      );
    }
    await db.transaction(async (tx) => {
      await tx.insert(hosts).values(hostRows);
      await insertSnapshotsAndReports(tx, snapshotRows, keyed);
      await tx.insert(transitions).values(transitionRows);
    });
    const done = Math.min(options.count, first + batch);
    if (done % 10_000 === 0 || done === options.count) {
      options.log?.(
        `seeded ${done}/${options.count} hosts (${Math.round(done / ((performance.now() - started) / 1000))}/s)`,
      );
    }
  }
  // the bigserial must continue after the ids given explicitly above
  await db.execute(
    sql`select setval(pg_get_serial_sequence('snapshots', 'id'), (select max(id) from snapshots))`,
  );
  await db.execute(sql`analyze`);
  return { hosts: options.count, seconds: Math.round((performance.now() - started) / 1000), ids };
}
