import { and, desc, enrollmentTokens, eq, gt, isNull, lt, sql, type Tx } from "@kdumpwatch/db";
import type { EnrollmentToken, TokenCreate, TokenCreated, TokenList } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import type { ServiceContext } from "./context.ts";
import { hashSecret, newId, newSecret, SECRET_PREFIX } from "./secrets.ts";

type TokenRow = typeof enrollmentTokens.$inferSelect;

function toToken(row: TokenRow, now: Date): EnrollmentToken {
  return {
    id: row.id,
    label: row.label,
    uses: row.uses,
    maxUses: row.maxUses,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    active: row.revokedAt === null && row.uses < row.maxUses && row.expiresAt.getTime() > now.getTime(),
    maxHosts: row.maxHosts,
  };
}

/** A new enrollment token; its secret is returned once and only its hash is kept. */
export async function createToken(ctx: ServiceContext, input: TokenCreate): Promise<TokenCreated> {
  const now = ctx.clock.now();
  const secret = newSecret(SECRET_PREFIX.enrollToken);
  const [row] = await ctx.db
    .insert(enrollmentTokens)
    .values({
      id: newId(6),
      secretHash: hashSecret(secret),
      label: input.label ?? null,
      maxUses: input.uses,
      maxHosts: input.maxHosts ?? null,
      expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("token insert returned nothing");
  ctx.log.info(
    { tokenId: row.id, uses: row.maxUses, maxHosts: row.maxHosts, expiresAt: row.expiresAt },
    "enrollment token created",
  );
  return { token: toToken(row, now), secret };
}

export async function listTokens(ctx: ServiceContext): Promise<TokenList> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select()
    .from(enrollmentTokens)
    .orderBy(desc(enrollmentTokens.createdAt))
    .limit(1000);
  return { tokens: rows.map((r) => toToken(r, now)) };
}

export async function revokeToken(ctx: ServiceContext, id: string): Promise<EnrollmentToken> {
  const now = ctx.clock.now();
  const [updated] = await ctx.db
    .update(enrollmentTokens)
    .set({ revokedAt: now })
    .where(and(eq(enrollmentTokens.id, id), isNull(enrollmentTokens.revokedAt)))
    .returning();
  if (updated) {
    ctx.log.info({ tokenId: id }, "enrollment token revoked");
    return toToken(updated, now);
  }
  const [existing] = await ctx.db.select().from(enrollmentTokens).where(eq(enrollmentTokens.id, id));
  if (!existing) throw new AppError("not_found", "no such token");
  return toToken(existing, now);
}

/**
 * Takes one use of the token with this secret, if it is active; returns its id, or null.
 * A single conditional UPDATE, so concurrent enrollments never exceed `max_uses`.
 */
export async function consumeToken(tx: Tx, secret: string, now: Date): Promise<string | null> {
  const [row] = await tx
    .update(enrollmentTokens)
    .set({ uses: sql`${enrollmentTokens.uses} + 1` })
    .where(
      and(
        eq(enrollmentTokens.secretHash, hashSecret(secret)),
        isNull(enrollmentTokens.revokedAt),
        gt(enrollmentTokens.expiresAt, now),
        lt(enrollmentTokens.uses, enrollmentTokens.maxUses),
      ),
    )
    .returning({ id: enrollmentTokens.id });
  return row?.id ?? null;
}
