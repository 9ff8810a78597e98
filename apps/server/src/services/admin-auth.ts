import { and, eq, gt, lt, sessions, settings } from "@kdumpwatch/db";
import type { ServiceContext } from "./context.ts";
import { hashSecret, newSecret, SECRET_PREFIX, sameDigest } from "./secrets.ts";

const ADMIN_TOKEN_KEY = "admin_token_hash";
const SESSION_TTL_MS = 12 * 3600_000;

/**
 * The admin token (product.md §4): KDUMPWATCH_ADMIN_TOKEN when set; otherwise one generated at
 * the first start, stored hashed, and returned here once so that main can print it.
 */
export async function ensureAdminToken(ctx: ServiceContext): Promise<string | null> {
  if (ctx.config.adminToken) return null;
  const [existing] = await ctx.db.select().from(settings).where(eq(settings.key, ADMIN_TOKEN_KEY));
  if (existing) return null;
  const token = newSecret(SECRET_PREFIX.adminToken);
  const inserted = await ctx.db
    .insert(settings)
    .values({ key: ADMIN_TOKEN_KEY, value: hashSecret(token), updatedAt: ctx.clock.now() })
    .onConflictDoNothing()
    .returning({ key: settings.key });
  // another process starting at the same moment won the race: its token is the one
  return inserted.length > 0 ? token : null;
}

/** Replaces the stored admin token (CLI `admin-token reset`); returns the new one. */
export async function resetAdminToken(ctx: ServiceContext): Promise<string> {
  const token = newSecret(SECRET_PREFIX.adminToken);
  const row = { key: ADMIN_TOKEN_KEY, value: hashSecret(token), updatedAt: ctx.clock.now() };
  await ctx.db.insert(settings).values(row).onConflictDoUpdate({ target: settings.key, set: row });
  await ctx.db.delete(sessions);
  return token;
}

/** The digest of the admin secret in force: the configured one, else the stored one; null when none yet. */
async function adminDigest(ctx: ServiceContext): Promise<string | null> {
  if (ctx.config.adminToken) return hashSecret(ctx.config.adminToken);
  const [row] = await ctx.db.select().from(settings).where(eq(settings.key, ADMIN_TOKEN_KEY));
  return row?.value ?? null;
}

export async function verifyAdminToken(ctx: ServiceContext, token: string): Promise<boolean> {
  const current = await adminDigest(ctx);
  return current !== null && sameDigest(hashSecret(token), current);
}

/**
 * What is stored of a session: its id hashed together with the admin secret's digest. A session
 * is bound to the admin secret that opened it: rotating the secret (a new KDUMPWATCH_ADMIN_TOKEN,
 * or `admin-token reset`) ends every session opened with the old one, with no list to clean.
 */
function sessionDigest(id: string, admin: string): string {
  return hashSecret(`${admin}:${id}`);
}

/** A dashboard session for a valid admin token; null otherwise. */
export async function createSession(ctx: ServiceContext, token: string): Promise<string | null> {
  const admin = await adminDigest(ctx);
  if (admin === null || !sameDigest(hashSecret(token), admin)) return null;
  const now = ctx.clock.now();
  const id = newSecret(SECRET_PREFIX.session);
  await ctx.db.insert(sessions).values({
    idHash: sessionDigest(id, admin),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  return id;
}

export async function verifySession(ctx: ServiceContext, id: string): Promise<boolean> {
  const admin = await adminDigest(ctx);
  if (admin === null) return false;
  const [row] = await ctx.db
    .select({ idHash: sessions.idHash })
    .from(sessions)
    .where(and(eq(sessions.idHash, sessionDigest(id, admin)), gt(sessions.expiresAt, ctx.clock.now())));
  return row !== undefined;
}

export async function deleteSession(ctx: ServiceContext, id: string): Promise<void> {
  const admin = await adminDigest(ctx);
  if (admin !== null) await ctx.db.delete(sessions).where(eq(sessions.idHash, sessionDigest(id, admin)));
}

export async function purgeExpiredSessions(ctx: ServiceContext): Promise<void> {
  await ctx.db.delete(sessions).where(lt(sessions.expiresAt, ctx.clock.now()));
}
