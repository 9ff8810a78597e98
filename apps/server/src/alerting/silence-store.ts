/** Silences in PostgreSQL: create, list, expire. Matching itself is pure (silences.ts). */
import { randomUUID } from "node:crypto";
import { alertSilences, asc, desc, eq, gt } from "@kdumpwatch/db";
import type { Queryable } from "./alert-store.ts";
import type { Silence, SilenceMatchers } from "./silences.ts";

type SilenceRow = typeof alertSilences.$inferSelect;

function toSilence(row: SilenceRow): Silence {
  const m = (row.matchers ?? {}) as SilenceMatchers;
  const matchers: SilenceMatchers = {};
  if (typeof m.hostId === "string") matchers.hostId = m.hostId;
  if (typeof m.check === "string") matchers.check = m.check;
  if (m.labels !== undefined && typeof m.labels === "object") matchers.labels = { ...m.labels };
  return {
    id: row.id,
    matchers,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

export interface NewSilence {
  matchers: SilenceMatchers;
  reason: string;
  createdBy: string;
  expiresAt: Date;
}

export async function insertSilence(db: Queryable, input: NewSilence, now: Date): Promise<Silence> {
  const [row] = await db
    .insert(alertSilences)
    .values({ id: randomUUID(), ...input, createdAt: now })
    .returning();
  if (row === undefined) throw new Error("silence not stored");
  return toSilence(row);
}

/** Active silences, soonest to expire first. */
export async function selectActiveSilences(db: Queryable, now: Date): Promise<Silence[]> {
  const rows = await db
    .select()
    .from(alertSilences)
    .where(gt(alertSilences.expiresAt, now))
    .orderBy(asc(alertSilences.expiresAt));
  return rows.map(toSilence);
}

/** Every silence, newest first (expired ones too), at most `limit`. */
export async function selectAllSilences(db: Queryable, limit: number): Promise<Silence[]> {
  const rows = await db.select().from(alertSilences).orderBy(desc(alertSilences.createdAt)).limit(limit);
  return rows.map(toSilence);
}

/** Ends a silence now (kept for the record); null when there is no such silence. */
export async function expireSilenceRow(db: Queryable, id: string, now: Date): Promise<Silence | null> {
  const [row] = await db.select().from(alertSilences).where(eq(alertSilences.id, id));
  if (row === undefined) return null;
  if (row.expiresAt.getTime() <= now.getTime()) return toSilence(row);
  const [updated] = await db
    .update(alertSilences)
    .set({ expiresAt: now })
    .where(eq(alertSilences.id, id))
    .returning();
  return updated === undefined ? null : toSilence(updated);
}
