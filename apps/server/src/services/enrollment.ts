import { randomUUID } from "node:crypto";
import {
  and,
  count,
  enrollmentTokens,
  eq,
  hostCredentials,
  hostDuplicates,
  hosts,
  sql,
  type Tx,
} from "@kdumpwatch/db";
import type { Hello } from "@kdumpwatch/protocol";
import { activeHost } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import type { EnrollBatcher } from "./enroll-batch.ts";
import type { EnrollLimiter } from "./enroll-limits.ts";
import { agentLabelsOf, writeAgentLabels } from "./host-labels.ts";
import { runPrepared } from "./prepared.ts";
import { publishHost } from "./publish.ts";
import { hashSecret, newSecret, SECRET_PREFIX, sameDigest } from "./secrets.ts";
import { consumeToken } from "./tokens.ts";

/** Why a hello was refused; each has its own wire error and close code (ws/agent-connection.ts). */
export type RefusalCode = "unauthorized" | "rate_limited" | "host_cap_reached" | "decommissioned";

export type AgentAuth =
  | {
      ok: true;
      hostId: string;
      credential?: { hostId: string; secret: string };
      duplicateOf: string | null;
      /** a record this hello made: nothing (an ingest failure mark) can be on it yet */
      fresh?: true;
    }
  | { ok: false; code: RefusalCode; message: string; retryAfterMs?: number };

const REFUSED = "enrollment token or host credential refused";

/** Ends an enrollment transaction without writing anything (the token use is rolled back too). */
class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    /** for the agent */
    readonly reply: string,
    /** for the log */
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface AuthenticateInput {
  hello: Hello;
  remoteAddress: string | null;
  limiter: EnrollLimiter;
  /** fleet-token enrollments of new hosts go through it (group commit); without it, one by one */
  batcher?: EnrollBatcher;
}

/**
 * Checks a `hello` (product.md §7, docs/security.md "Identity and lifecycle"). With an enrollment
 * token (the fleet token from KDUMPWATCH_ENROLL_TOKEN or an active token from `token create`) a new
 * host record and its own credential are made; later connections present only that credential.
 * Enrolling again never takes over an enrolled host's record: only the agent's enroll key proves
 * "this is that host again"; without it a machine-id that is already enrolled gets a new record
 * marked as a suspected duplicate, which an admin merges or rejects (services/duplicates.ts).
 */
export async function authenticateAgent(ctx: ServiceContext, input: AuthenticateInput): Promise<AgentAuth> {
  const { hello } = input;
  return hello.auth.kind === "enroll"
    ? enroll(ctx, input, hello.auth.token, hello.auth.key)
    : reconnect(ctx, hello, hello.auth.hostId, hello.auth.secret, input.remoteAddress);
}

interface Enrolled {
  hostId: string;
  secret: string;
  duplicateOf: string | null;
  tokenId: string | null;
  reenrolled: boolean;
}

async function enroll(
  ctx: ServiceContext,
  input: AuthenticateInput,
  token: string,
  key: string | undefined,
): Promise<AgentAuth> {
  const { hello, remoteAddress } = input;
  const now = ctx.clock.now();
  const tokenDigest = hashSecret(token);
  const failed = (code: RefusalCode, reason: string, extra: Record<string, unknown> = {}) =>
    // failed enrollments are logged with the client address (docs/operations.md "Enrollment")
    ctx.log.warn(
      { remoteAddress, hostname: hello.hostname, machineId: hello.machineId, code, reason, ...extra },
      "enrollment refused",
    );
  const waitMs = input.limiter.take(tokenDigest);
  if (waitMs > 0) {
    failed("rate_limited", "too many enrollments with this token", { retryAfterMs: waitMs });
    return {
      ok: false,
      code: "rate_limited",
      message: "too many enrollments with this token, try again later",
      retryAfterMs: waitMs,
    };
  }
  const fleetToken = ctx.config.enrollToken;
  const isFleetToken = fleetToken !== undefined && sameDigest(tokenDigest, hashSecret(fleetToken));
  const agentLabels = agentLabelsOf(ctx, hello.hostname, hello.labels);
  let result: Enrolled | undefined;
  /** the batcher publishes its hosts after its commit */
  let published = false;
  if (isFleetToken && input.batcher) {
    // a new host with the fleet token (no token use, no host cap): one transaction for every
    // enrollment that arrives with it (enroll-batch.ts); an enroll key that names a record, or a
    // failed batch, comes back "alone" and takes the transaction below
    const secret = newSecret(SECRET_PREFIX.hostCredential);
    const hostId = randomUUID();
    const batched = await input.batcher.submit({
      hostId,
      machineId: hello.machineId,
      hostname: hello.hostname,
      agentVersion: hello.agentVersion,
      remoteAddress,
      at: now,
      keyHash: key === undefined ? null : hashSecret(key),
      agentLabels: agentLabels ?? null,
      secretHash: hashSecret(secret),
    });
    if (batched.kind === "enrolled") {
      result = { hostId, secret, duplicateOf: batched.duplicateOf, tokenId: null, reenrolled: false };
      published = true;
    }
  }
  try {
    result ??= await ctx.db.transaction(async (tx) => {
      // serialise enrollments of one machine-id, so two clones racing are still told apart
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${hello.machineId}))`);
      const secret = newSecret(SECRET_PREFIX.hostCredential);
      const keyHash = key === undefined ? null : hashSecret(key);
      const own = keyHash === null ? undefined : await hostWithKey(tx, keyHash, hello.machineId);
      if (own?.decommissionedAt) {
        throw new Refusal(
          "decommissioned",
          "this host was decommissioned",
          "enroll key of a decommissioned host",
        );
      }
      let tokenId: string | null = null;
      let maxHosts: number | null = null;
      if (!isFleetToken) {
        tokenId = await consumeToken(tx, token, now);
        if (tokenId === null)
          throw new Refusal("unauthorized", REFUSED, await tokenProblem(tx, tokenDigest, now));
        // the UPDATE above holds the token's row lock until commit: the count below cannot race
        const [t] = await tx
          .select({ maxHosts: enrollmentTokens.maxHosts })
          .from(enrollmentTokens)
          .where(eq(enrollmentTokens.id, tokenId));
        maxHosts = t?.maxHosts ?? null;
      }
      if (own) {
        // The agent proved it is this host again (a lost welcome, a lost credential file): a new
        // credential for its own record; the old one stops working.
        await issueCredential(tx, { hostId: own.id, secret, tokenId, now });
        await tx
          .update(hosts)
          .set({ agentVersion: hello.agentVersion, remoteAddress, lastSeenAt: now })
          .where(eq(hosts.id, own.id));
        if (agentLabels !== undefined) await writeAgentLabels(tx, own.id, agentLabels);
        return { hostId: own.id, secret, duplicateOf: own.duplicateOf, tokenId, reenrolled: true };
      }
      if (tokenId !== null && maxHosts !== null) {
        const [enrolled] = await tx
          .select({ n: count() })
          .from(hosts)
          .where(and(eq(hosts.enrollTokenId, tokenId), activeHost()));
        if ((enrolled?.n ?? 0) >= maxHosts) {
          throw new Refusal(
            "host_cap_reached",
            `this enrollment token already enrolled its maximum of ${maxHosts} hosts`,
            `token ${tokenId} host cap ${maxHosts} reached`,
          );
        }
      }
      const hostId = randomUUID();
      const duplicateOf = await insertHost(tx, {
        hostId,
        hello,
        remoteAddress,
        now,
        keyHash,
        tokenId,
        secretHash: hashSecret(secret),
        agentLabels: agentLabels ?? null,
      });
      return { hostId, secret, duplicateOf, tokenId, reenrolled: false };
    });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    failed(err.code, err.reason);
    return { ok: false, code: err.code, message: err.reply };
  }
  const log =
    result.duplicateOf && !result.reenrolled ? ctx.log.warn.bind(ctx.log) : ctx.log.info.bind(ctx.log);
  log(
    {
      hostId: result.hostId,
      hostname: hello.hostname,
      tokenId: result.tokenId,
      duplicateOf: result.duplicateOf,
      remoteAddress,
    },
    result.reenrolled
      ? "host enrolled again with its enroll key: new credential for its own record"
      : result.duplicateOf
        ? "host enrolled as a suspected duplicate of an enrolled machine-id (merge or reject it)"
        : "host enrolled",
  );
  if (!published) await publishHost(ctx, result.hostId);
  return {
    ok: true,
    hostId: result.hostId,
    credential: { hostId: result.hostId, secret: result.secret },
    duplicateOf: result.duplicateOf,
    ...(result.reenrolled ? {} : { fresh: true as const }),
  };
}

/**
 * A new host record, in one prepared statement of fixed text (issue 13: enrollment is on the hot
 * path of a connect storm): the first active, non-duplicate record with the same machine-id (if
 * any) becomes its original and a duplicate record is written; the host gets its credential.
 * Runs under the machine-id's advisory lock. Returns the original's id, null when there is none.
 */
async function insertHost(
  tx: Tx,
  o: {
    hostId: string;
    hello: Hello;
    remoteAddress: string | null;
    now: Date;
    keyHash: string | null;
    tokenId: string | null;
    secretHash: string;
    agentLabels: Readonly<Record<string, string>> | null;
  },
): Promise<string | null> {
  const [row] = await runPrepared<{ duplicate_of: string | null }>(tx, "kdw_enroll_host", INSERT_HOST, [
    o.hostId,
    o.hello.machineId,
    o.hello.hostname,
    o.hello.agentVersion,
    o.remoteAddress,
    o.now.toISOString(),
    o.keyHash,
    o.tokenId,
    o.agentLabels === null ? null : JSON.stringify(o.agentLabels),
    o.secretHash,
  ]);
  if (row === undefined) throw new Error("host record not written");
  return row.duplicate_of;
}

// $1 id, $2 machine-id, $3 hostname, $4 agent version, $5 address, $6 now, $7 enroll key hash,
// $8 token id, $9 agent labels (null: the defaults), $10 credential digest
const INSERT_HOST = `with original as (
  select id from hosts
  where machine_id = $2 and duplicate_of is null and decommissioned_at is null
  order by enrolled_at, id limit 1
), h as (
  insert into hosts (id, machine_id, hostname, duplicate_of, agent_version, remote_address,
    enrolled_at, last_seen_at, verdict_since, stale_clock_at, enroll_key_hash, enroll_token_id,
    agent_labels, labels)
  values ($1, $2, $3, (select id from original), $4, $5, $6::timestamptz, $6::timestamptz,
    $6::timestamptz, $6::timestamptz, $7, $8, coalesce($9::jsonb, '{}'::jsonb), coalesce($9::jsonb, '{}'::jsonb))
  returning duplicate_of
), c as (
  insert into host_credentials (host_id, secret_hash, token_id, created_at, revoked_at)
  values ($1, $10, $8, $6::timestamptz, null)
), d as (
  insert into host_duplicates (kind, original_host_id, duplicate_host_id, machine_id, hostname,
    remote_address, detected_at)
  select 'machine_id', id, $1, $2, $3, $5, $6::timestamptz from original
)
select duplicate_of from h`;

/** The host whose enroll key this is, on the same machine-id; an active record first. */
async function hostWithKey(tx: Tx, keyHash: string, machineId: string) {
  const [row] = await tx
    .select({ id: hosts.id, duplicateOf: hosts.duplicateOf, decommissionedAt: hosts.decommissionedAt })
    .from(hosts)
    .where(and(eq(hosts.enrollKeyHash, keyHash), eq(hosts.machineId, machineId)))
    .orderBy(sql`${hosts.decommissionedAt} is not null`, hosts.enrolledAt, hosts.id)
    .limit(1);
  return row;
}

/** Why a token was refused, for the log (the agent is told only "refused"). */
async function tokenProblem(tx: Tx, digest: string, now: Date): Promise<string> {
  const [t] = await tx.select().from(enrollmentTokens).where(eq(enrollmentTokens.secretHash, digest));
  if (!t) return "unknown enrollment token";
  if (t.revokedAt !== null) return `token ${t.id} revoked`;
  if (t.expiresAt.getTime() <= now.getTime()) return `token ${t.id} expired`;
  return `token ${t.id} used up (${t.uses} of ${t.maxUses} uses)`;
}

/** Gives the host this credential, replacing (and so revoking) any it had. */
async function issueCredential(
  tx: Tx,
  o: { hostId: string; secret: string; tokenId: string | null; now: Date },
): Promise<void> {
  const values = { secretHash: hashSecret(o.secret), tokenId: o.tokenId, createdAt: o.now, revokedAt: null };
  await tx
    .insert(hostCredentials)
    .values({ hostId: o.hostId, ...values })
    .onConflictDoUpdate({ target: hostCredentials.hostId, set: values });
}

async function reconnect(
  ctx: ServiceContext,
  hello: Hello,
  hostId: string,
  secret: string,
  remoteAddress: string | null,
): Promise<AgentAuth> {
  const now = ctx.clock.now();
  // by the secret: a merge moves a credential to the record its host took over (services/duplicates.ts)
  const [row] = await ctx.db
    .select({
      hostId: hosts.id,
      revokedAt: hostCredentials.revokedAt,
      decommissionedAt: hosts.decommissionedAt,
      machineId: hosts.machineId,
      hostname: hosts.hostname,
      staleSince: hosts.staleSince,
      duplicateOf: hosts.duplicateOf,
      agentLabels: hosts.agentLabels,
    })
    .from(hostCredentials)
    .innerJoin(hosts, eq(hostCredentials.hostId, hosts.id))
    .where(eq(hostCredentials.secretHash, hashSecret(secret)))
    .limit(1);
  if (!row) {
    ctx.log.warn({ hostId, remoteAddress, machineId: hello.machineId }, "host credential refused");
    return { ok: false, code: "unauthorized", message: REFUSED };
  }
  if (row.hostId !== hostId && !(await wasMergedInto(ctx, hostId, row.hostId))) {
    ctx.log.warn(
      { hostId, remoteAddress, machineId: hello.machineId },
      "host credential refused: other host id",
    );
    return { ok: false, code: "unauthorized", message: REFUSED };
  }
  if (row.revokedAt !== null || row.decommissionedAt !== null) {
    ctx.log.info({ hostId: row.hostId, remoteAddress }, "decommissioned host's agent refused");
    return {
      ok: false,
      code: "decommissioned",
      message: "this host was decommissioned on the server; its credential is revoked",
    };
  }
  if (row.machineId !== hello.machineId) {
    await recordCredentialMismatch(ctx, row.hostId, hello, remoteAddress, now);
    return {
      ok: false,
      code: "unauthorized",
      message: "this host credential was issued to another machine-id",
    };
  }
  await ctx.db
    .update(hosts)
    .set({
      hostname: hello.hostname,
      agentVersion: hello.agentVersion,
      remoteAddress,
      lastSeenAt: now,
      staleClockAt: now,
      staleSince: null,
    })
    .where(eq(hosts.id, row.hostId));
  // labels from the agent's configuration: written only when they changed (a restart after an edit)
  const agentLabels = agentLabelsOf(ctx, hello.hostname, hello.labels);
  const relabeled = agentLabels !== undefined && !sameLabels(agentLabels, row.agentLabels);
  if (relabeled) await writeAgentLabels(ctx.db, row.hostId, agentLabels);
  if (row.hostname !== hello.hostname || row.staleSince !== null || relabeled)
    await publishHost(ctx, row.hostId);
  if (row.hostId !== hostId) {
    // merged: the agent keeps its secret and learns the record it now reports to
    ctx.log.info({ from: hostId, to: row.hostId }, "merged host's agent moved to the record it took over");
    return {
      ok: true,
      hostId: row.hostId,
      credential: { hostId: row.hostId, secret },
      duplicateOf: row.duplicateOf,
    };
  }
  return { ok: true, hostId, duplicateOf: row.duplicateOf };
}

/** `from` is a suspected duplicate that was merged into `into` (its credential moved there). */
async function wasMergedInto(ctx: ServiceContext, from: string, into: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ duplicateOf: hosts.duplicateOf, decommissionedAt: hosts.decommissionedAt })
    .from(hosts)
    .where(eq(hosts.id, from));
  return row !== undefined && row.duplicateOf === into && row.decommissionedAt !== null;
}

async function recordCredentialMismatch(
  ctx: ServiceContext,
  hostId: string,
  hello: Hello,
  remoteAddress: string | null,
  now: Date,
): Promise<void> {
  // one record per (host, foreign machine-id): a refused agent retrying must not flood the table
  const [seen] = await ctx.db
    .select({ id: hostDuplicates.id })
    .from(hostDuplicates)
    .where(
      and(
        eq(hostDuplicates.originalHostId, hostId),
        eq(hostDuplicates.kind, "credential_mismatch"),
        eq(hostDuplicates.machineId, hello.machineId),
      ),
    )
    .limit(1);
  if (seen) return;
  await ctx.db.insert(hostDuplicates).values({
    kind: "credential_mismatch",
    originalHostId: hostId,
    duplicateHostId: null,
    machineId: hello.machineId,
    hostname: hello.hostname,
    remoteAddress,
    detectedAt: now,
  });
  ctx.log.warn(
    { hostId, machineId: hello.machineId, remoteAddress },
    "host credential presented by another machine-id",
  );
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
