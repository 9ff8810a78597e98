import { and, apiTokens, desc, eq, isNull, lt, or } from "@kdumpwatch/db";
import type { ApiToken, ApiTokenCreate, ApiTokenCreated, ApiTokenScope } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import type { ServiceContext } from "./context.ts";
import { hashSecret, newId, newSecret, SECRET_PREFIX } from "./secrets.ts";

type Row = typeof apiTokens.$inferSelect;
const TOUCH_EVERY_MS = 60_000;

function toDto(row: Row): ApiToken {
  return {
    id: row.id,
    scopes: row.scopes,
    label: row.label,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * A scoped credential (`metrics:read` for Prometheus), so a scraper never holds the admin token.
 * Its secret is returned once; only its hash is kept.
 */
export async function createApiToken(ctx: ServiceContext, input: ApiTokenCreate): Promise<ApiTokenCreated> {
  const secret = newSecret(SECRET_PREFIX.apiToken);
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      id: newId(6),
      secretHash: hashSecret(secret),
      scopes: [...new Set(input.scopes)],
      label: input.label ?? null,
      createdAt: ctx.clock.now(),
    })
    .returning();
  if (!row) throw new Error("api token insert returned nothing");
  ctx.log.info({ tokenId: row.id, scopes: row.scopes }, "api token created");
  return { token: toDto(row), secret };
}

export async function listApiTokens(ctx: ServiceContext): Promise<{ tokens: ApiToken[] }> {
  const rows = await ctx.db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt)).limit(1000);
  return { tokens: rows.map(toDto) };
}

export async function revokeApiToken(ctx: ServiceContext, id: string): Promise<ApiToken> {
  const [row] = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  if (row) {
    ctx.log.info({ tokenId: id }, "api token revoked");
    return toDto(row);
  }
  const [existing] = await ctx.db.select().from(apiTokens).where(eq(apiTokens.id, id));
  if (!existing) throw new AppError("not_found", "no such api token");
  return toDto(existing);
}

/** Whether `secret` is an unrevoked API token holding `scope`; notes its use (at most once a minute). */
export async function verifyApiToken(
  ctx: ServiceContext,
  secret: string,
  scope: ApiTokenScope,
): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: apiTokens.id, scopes: apiTokens.scopes })
    .from(apiTokens)
    .where(and(eq(apiTokens.secretHash, hashSecret(secret)), isNull(apiTokens.revokedAt)));
  if (!row?.scopes.includes(scope)) return false;
  const now = ctx.clock.now();
  await ctx.db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, row.id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - TOUCH_EVERY_MS))),
      ),
    );
  return true;
}
