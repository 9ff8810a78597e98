/**
 * Silencing many hosts at once (a fix group, or hosts picked on a page): one silence per host, all
 * written in one statement, in the shape the alerting engine reads (alerting/silence-store.ts), so
 * each shows and ends like any other. The engine re-reads silences within seconds (its cache).
 */
import { randomUUID } from "node:crypto";
import { alertSilences, type Db, hosts, inArray } from "@kdumpwatch/db";
import type { BulkSilence, BulkSilenceResult } from "@kdumpwatch/protocol";
import { checkSilenceLength, DEFAULT_MAX_SILENCE_MS } from "../alerting/silence-limit.ts";
import type { SilenceMatchers } from "../alerting/silences.ts";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import { fixGroupHosts } from "./fix-groups.ts";

export interface BulkSilenceContext {
  db: Db;
  clock: Clock;
  /** KDUMPWATCH_MAX_SILENCE_DAYS in ms (default 30 days) */
  maxSilenceMs?: number;
}

/** rows per INSERT: well under PostgreSQL's 65,535 parameters */
const CHUNK = 500;

export async function bulkSilence(ctx: BulkSilenceContext, input: BulkSilence): Promise<BulkSilenceResult> {
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + input.duration);
  checkSilenceLength({ now, expiresAt, maxMs: ctx.maxSilenceMs ?? DEFAULT_MAX_SILENCE_MS });
  let ids: string[];
  let unknown: string[] = [];
  if (input.group !== undefined) {
    ids = (await fixGroupHosts(ctx, input.group)).map((h) => h.id);
  } else {
    const wanted = [...new Set(input.hostIds ?? [])];
    const found = new Set<string>();
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const rows = await ctx.db
        .select({ id: hosts.id })
        .from(hosts)
        .where(inArray(hosts.id, wanted.slice(i, i + CHUNK)));
      for (const r of rows) found.add(r.id);
    }
    ids = wanted.filter((id) => found.has(id));
    unknown = wanted.filter((id) => !found.has(id));
  }
  if (ids.length === 0) throw new AppError("bad_request", "invalid request: no host to silence");
  const createdBy = input.createdBy?.trim() || "api";
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await tx.insert(alertSilences).values(
        ids.slice(i, i + CHUNK).map((hostId) => {
          const matchers: SilenceMatchers = { hostId };
          if (input.check !== undefined) matchers.check = input.check;
          return { id: randomUUID(), matchers, reason: input.reason, createdBy, createdAt: now, expiresAt };
        }),
      );
    }
  });
  return { created: ids.length, expiresAt: expiresAt.toISOString(), unknownHostIds: unknown };
}
