/**
 * Test support for the server (only *.test.ts import it, so no bundle carries it). A harness is
 * the app on a fresh database of one driver (PGlite or PostgreSQL, ../db/drivers.ts), with a
 * manual clock, an in-process hub and fixed tokens.
 */
import { CHECK_IDS, type CheckResult, emptyFacts, type Snapshot, type Verdict } from "@kdumpwatch/core";
import { hosts, snapshots, sql } from "@kdumpwatch/db";
import type { Hello, SnapshotMessage } from "@kdumpwatch/protocol";
import {
  type Config,
  createApp,
  createDbHub,
  createMemoryHub,
  type Hub,
  type JudgeFn,
  type KdumpwatchApp,
  type Logger,
  loadConfig,
  ManualClock,
  type ServiceContext,
  silentLogger,
} from "@kdumpwatch/server";
import { type TestDatabase, type TestDriver, testDrivers } from "../db/drivers.ts";

/** Re-exported so that tests under routes/ and ws/ (where database imports are banned) need no DB import. */
export { testDrivers };

export const ADMIN_TOKEN = "test-admin-token-0123";
export const FLEET_TOKEN = "test-fleet-enroll-token";

export interface Harness {
  driver: TestDriver["name"];
  db: TestDatabase;
  clock: ManualClock;
  config: Config;
  hub: Hub;
  ctx: ServiceContext;
  kdw: KdumpwatchApp;
  /** app.request with the admin bearer token (pass `auth: false` to leave it out) */
  request(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  /** a host row written directly (for list/filter/sort tests) */
  seedHost(values: Partial<typeof hosts.$inferInsert> & { id: string }): Promise<void>;
  /** rows in `hosts` and `snapshots` (what hostile-frame tests assert stays unchanged) */
  counts(): Promise<{ hosts: number; snapshots: number }>;
  /**
   * Holds an exclusive lock on `hosts` in an open transaction until the returned function is
   * called: every ingest waits behind it (a database slower than the network), on both drivers.
   */
  blockWrites(): Promise<() => Promise<void>>;
  /** empties every table */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

export async function createHarness(
  driver: TestDriver,
  options: {
    env?: Record<string, string>;
    judge?: JudgeFn;
    hub?: "memory" | "db";
    /** adjust settings that have no environment variable (frame rate, hello timeout) */
    configure?: (config: Config) => void;
    /** default: silent */
    log?: Logger;
  } = {},
): Promise<Harness> {
  const db = await driver.open();
  const log = options.log ?? silentLogger();
  const clock = new ManualClock();
  const config = loadConfig({
    KDUMPWATCH_ADMIN_TOKEN: ADMIN_TOKEN,
    KDUMPWATCH_ENROLL_TOKEN: FLEET_TOKEN,
    KDUMPWATCH_DASHBOARD_DIR: "/nonexistent-dashboard",
    ...options.env,
  });
  options.configure?.(config);
  const hub = options.hub === "db" ? await createDbHub(db, log) : createMemoryHub(log);
  const ctx: ServiceContext = { db: db.db, hub, clock, log, config };
  const kdw = createApp({ ...ctx, judge: options.judge ?? fakeJudge });
  return {
    driver: driver.name,
    db,
    clock,
    config,
    hub,
    ctx,
    kdw,
    request(path, init = {}) {
      const { auth = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth) headers.set("authorization", `Bearer ${ADMIN_TOKEN}`);
      return Promise.resolve(kdw.app.request(path, { ...rest, headers }));
    },
    async seedHost(values) {
      const at = clock.now();
      await db.db.insert(hosts).values({
        machineId: `machine-${values.id}`,
        hostname: values.id,
        enrolledAt: at,
        lastSeenAt: at,
        verdictSince: at,
        staleClockAt: at,
        ...values,
      });
    },
    async counts() {
      return {
        hosts: (await db.db.select({ id: hosts.id }).from(hosts)).length,
        snapshots: (await db.db.select({ id: snapshots.id }).from(snapshots)).length,
      };
    },
    async blockWrites() {
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let locked: () => void = () => {};
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const tx = db.db.transaction(async (t) => {
        await t.execute(sql`lock table hosts in access exclusive mode`);
        locked();
        await gate;
      });
      await Promise.race([isLocked, tx]);
      return async () => {
        release();
        await tx;
      };
    },
    async reset() {
      const res = await db.db.execute(
        sql`select tablename from pg_tables where schemaname = 'public' and tablename not like '__drizzle%'`,
      );
      const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { tablename: string }[];
      // DELETE rather than TRUNCATE: much faster on PostgreSQL for a handful of rows
      for (const r of rows) await db.db.execute(sql.raw(`delete from "${r.tablename}"`));
      // deleting hosts appended −1 rows for the summary's read model: empty it last
      await db.db.execute(sql.raw("delete from fleet_count_deltas"));
      await db.db.execute(sql.raw("delete from fleet_counts"));
    },
    async dispose() {
      await kdw.services.agents.close().catch(() => {});
      kdw.live.close();
      await hub.close();
      await db.dispose();
    },
  };
}

/**
 * A judge whose result is written in the snapshot itself, so tests say exactly what they mean:
 * the `cmdline` source holds `verdict=not_ready failing=crashkernel.reserved os=Ubuntu kernel=6.8
 * ram=1024 crashkernel=512M reserved=536870912`. Every other check passes.
 */
export const fakeJudge: JudgeFn = (snapshot: Snapshot) => {
  const source = snapshot.sources.cmdline;
  const text = source?.ok ? source.text : "";
  const kv = new Map(
    text
      .split(/\s+/)
      .filter((p) => p.includes("="))
      .map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)] as const),
  );
  const failing = new Set((kv.get("failing") ?? "").split(",").filter(Boolean));
  const checks: CheckResult[] = CHECK_IDS.map((id) => ({
    id,
    status: failing.has(id) ? "fail" : "pass",
    summary: failing.has(id) ? `${id} fails` : `${id} passes`,
    evidence: [{ source: "cmdline", text }],
    ...(failing.has(id) ? { remediation: [`fix ${id}`] } : {}),
  }));
  const facts = emptyFacts(snapshot.collectedAt);
  facts.identity.os.prettyName = kv.get("os")?.replace(/_/g, " ") ?? null;
  facts.identity.kernelRelease = kv.get("kernel") ?? null;
  facts.memory.systemRamBytes = kv.has("ram") ? Number(kv.get("ram")) : null;
  facts.crashkernel.effective = kv.get("crashkernel") ?? null;
  facts.reservation.bytes = kv.has("reserved") ? Number(kv.get("reserved")) : null;
  return { verdict: (kv.get("verdict") ?? "ready") as Verdict, checks, facts };
};

export function hello(overrides: Partial<Hello> = {}): Hello {
  return {
    v: 1,
    type: "hello",
    agentVersion: "0.1.0-test",
    machineId: "machine-a",
    hostname: "host-a",
    auth: { kind: "enroll", token: FLEET_TOKEN },
    ...overrides,
  };
}

/** A snapshot frame whose fake-judge result is `spec` (see fakeJudge). */
export function snapshotFrame(spec: string, seq = 1, extra: Record<string, string> = {}): SnapshotMessage {
  const sources: SnapshotMessage["snapshot"]["sources"] = { cmdline: { ok: true, text: spec } };
  for (const [k, v] of Object.entries(extra)) sources[k] = { ok: true, text: v };
  return {
    v: 1,
    type: "snapshot",
    seq,
    hash: "agent-hash-not-trusted",
    snapshot: { sources, collectedAt: "2026-11-26T10:00:00Z" },
  };
}
