import { randomUUID } from "node:crypto";
import { and, eq, hostCredentials, hostDuplicates, hosts, isNull, sql } from "@kdumpwatch/db";
import type { Hello } from "@kdumpwatch/protocol";
import type { ServiceContext } from "./context.ts";
import { agentLabelsOf, writeAgentLabels } from "./host-labels.ts";
import { publishHost } from "./publish.ts";
import { hashSecret, newSecret, SECRET_PREFIX, sameDigest } from "./secrets.ts";
import { consumeToken } from "./tokens.ts";

export type AgentAuth =
  | { ok: true; hostId: string; credential?: { hostId: string; secret: string }; duplicateOf: string | null }
  | { ok: false; message: string };

const REFUSED: AgentAuth = { ok: false, message: "enrollment token or host credential refused" };

/**
 * Checks a `hello` (product.md §7). With an enrollment token (the fleet token from
 * KDUMPWATCH_ENROLL_TOKEN or an active token from `token create`) a new host record and its own
 * credential are made; later connections present only that credential. A machine-id that is
 * already enrolled gets a new record marked as its duplicate, never a silent merge.
 */
export async function authenticateAgent(
  ctx: ServiceContext,
  hello: Hello,
  remoteAddress: string | null,
): Promise<AgentAuth> {
  return hello.auth.kind === "enroll"
    ? enroll(ctx, hello, hello.auth.token, remoteAddress)
    : reconnect(ctx, hello, hello.auth.hostId, hello.auth.secret, remoteAddress);
}

async function enroll(
  ctx: ServiceContext,
  hello: Hello,
  token: string,
  remoteAddress: string | null,
): Promise<AgentAuth> {
  const now = ctx.clock.now();
  const agentLabels = agentLabelsOf(ctx, hello.hostname, hello.labels);
  const fleetToken = ctx.config.enrollToken;
  const isFleetToken = fleetToken !== undefined && sameDigest(hashSecret(token), hashSecret(fleetToken));
  const result = await ctx.db.transaction(async (tx) => {
    let tokenId: string | null = null;
    if (!isFleetToken) {
      tokenId = await consumeToken(tx, token, now);
      if (tokenId === null) return null;
    }
    // serialise enrollments of one machine-id, so two clones racing are still told apart
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${hello.machineId}))`);
    const [original] = await tx
      .select({
        id: hosts.id,
        hostname: hosts.hostname,
        lastSeenAt: hosts.lastSeenAt,
        judgementHash: hosts.judgementHash,
      })
      .from(hosts)
      .where(and(eq(hosts.machineId, hello.machineId), isNull(hosts.duplicateOf)))
      .orderBy(hosts.enrolledAt, hosts.id)
      .limit(1);
    const secret = newSecret(SECRET_PREFIX.hostCredential);
    if (original && isSameMachineAgain(original, hello, now, ctx.config.heartbeatSec)) {
      // The host lost its credential (a welcome that never arrived, a wiped state directory):
      // it gets a new one for its own record, the old one stops working.
      await tx
        .update(hostCredentials)
        .set({ secretHash: hashSecret(secret), tokenId, createdAt: now })
        .where(eq(hostCredentials.hostId, original.id));
      await tx
        .update(hosts)
        .set({ agentVersion: hello.agentVersion, remoteAddress, lastSeenAt: now })
        .where(eq(hosts.id, original.id));
      if (agentLabels !== undefined) await writeAgentLabels(tx, original.id, agentLabels);
      return { hostId: original.id, secret, duplicateOf: null, tokenId, reenrolled: true };
    }
    const hostId = randomUUID();
    await tx.insert(hosts).values({
      id: hostId,
      machineId: hello.machineId,
      hostname: hello.hostname,
      duplicateOf: original?.id ?? null,
      agentVersion: hello.agentVersion,
      remoteAddress,
      enrolledAt: now,
      lastSeenAt: now,
      verdictSince: now,
      staleClockAt: now,
      ...(agentLabels === undefined ? {} : { agentLabels, labels: agentLabels }),
    });
    await tx
      .insert(hostCredentials)
      .values({ hostId, secretHash: hashSecret(secret), tokenId, createdAt: now });
    if (original) {
      await tx.insert(hostDuplicates).values({
        kind: "machine_id",
        originalHostId: original.id,
        duplicateHostId: hostId,
        machineId: hello.machineId,
        hostname: hello.hostname,
        remoteAddress,
        detectedAt: now,
      });
    }
    return { hostId, secret, duplicateOf: original?.id ?? null, tokenId, reenrolled: false };
  });
  if (!result) return REFUSED;
  ctx.log.info(
    {
      hostId: result.hostId,
      hostname: hello.hostname,
      tokenId: result.tokenId,
      duplicateOf: result.duplicateOf,
    },
    result.duplicateOf
      ? "host enrolled as a duplicate of an enrolled machine-id"
      : result.reenrolled
        ? "host enrolled again: new credential for its existing record"
        : "host enrolled",
  );
  await publishHost(ctx, result.hostId);
  return {
    ok: true,
    hostId: result.hostId,
    credential: { hostId: result.hostId, secret: result.secret },
    duplicateOf: result.duplicateOf,
  };
}

/**
 * An enrollment from a machine-id that is already enrolled is the same machine again — not a clone —
 * when the hostname matches and the enrolled record is not in use: it never completed a report (its
 * welcome was lost, so the agent retries), or it has been silent for longer than two heartbeats (the
 * agent was reinstalled). A live record with the same machine-id is a clone: recorded as a duplicate.
 */
function isSameMachineAgain(
  original: { hostname: string; lastSeenAt: Date; judgementHash: string | null },
  hello: Hello,
  now: Date,
  heartbeatSec: number,
): boolean {
  if (original.hostname !== hello.hostname) return false;
  if (original.judgementHash === null) return true;
  return now.getTime() - original.lastSeenAt.getTime() > 2 * heartbeatSec * 1000;
}

async function reconnect(
  ctx: ServiceContext,
  hello: Hello,
  hostId: string,
  secret: string,
  remoteAddress: string | null,
): Promise<AgentAuth> {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .select({
      secretHash: hostCredentials.secretHash,
      machineId: hosts.machineId,
      hostname: hosts.hostname,
      staleSince: hosts.staleSince,
      duplicateOf: hosts.duplicateOf,
      agentLabels: hosts.agentLabels,
    })
    .from(hosts)
    .innerJoin(hostCredentials, eq(hostCredentials.hostId, hosts.id))
    .where(eq(hosts.id, hostId));
  if (!row || !sameDigest(hashSecret(secret), row.secretHash)) return REFUSED;
  if (row.machineId !== hello.machineId) {
    await recordCredentialMismatch(ctx, hostId, hello, remoteAddress, now);
    return { ok: false, message: "this host credential was issued to another machine-id" };
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
    .where(eq(hosts.id, hostId));
  // labels from the agent's configuration: written only when they changed (a restart after an edit)
  const agentLabels = agentLabelsOf(ctx, hello.hostname, hello.labels);
  const relabeled = agentLabels !== undefined && !sameLabels(agentLabels, row.agentLabels);
  if (relabeled) await writeAgentLabels(ctx.db, hostId, agentLabels);
  if (row.hostname !== hello.hostname || row.staleSince !== null || relabeled) await publishHost(ctx, hostId);
  return { ok: true, hostId, duplicateOf: row.duplicateOf };
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
