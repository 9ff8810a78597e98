import { eq, hosts, sql, type Tx } from "@kdumpwatch/db";
import type { HostLabelSources, HostLabels } from "@kdumpwatch/protocol";
import { HOST_LABELS_MAX, sanitizeLabels } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import type { ServiceContext } from "./context.ts";
import { publishHost } from "./publish.ts";

/**
 * Host labels (packages/protocol labels.ts): the agent's set arrives with each `hello`, the API's
 * set through `PUT /api/hosts/:id/labels` or the CLI; the effective set is the agent's overridden
 * by the API's, computed by PostgreSQL (`agent_labels || api_labels`) in the same statement.
 */

/** The labels an agent's hello carries, made valid (invalid entries dropped and logged). */
export function agentLabelsOf(
  ctx: ServiceContext,
  hostname: string,
  raw: Readonly<Record<string, string>> | undefined,
): HostLabels | undefined {
  if (raw === undefined) return undefined;
  const { labels, dropped } = sanitizeLabels(raw);
  if (dropped.length > 0) ctx.log.warn({ hostname, dropped }, "agent labels refused");
  return labels;
}

/** Inside the hello's transaction or statement: replace the agent's set, recompute the effective one. */
export async function writeAgentLabels(
  db: ServiceContext["db"] | Tx,
  hostId: string,
  labels: HostLabels,
): Promise<void> {
  await db
    .update(hosts)
    .set({ agentLabels: labels, labels: sql`${JSON.stringify(labels)}::jsonb || ${hosts.apiLabels}` })
    .where(eq(hosts.id, hostId));
}

export async function getHostLabels(ctx: ServiceContext, hostId: string): Promise<HostLabelSources> {
  const [row] = await ctx.db
    .select({ labels: hosts.labels, agent: hosts.agentLabels, api: hosts.apiLabels })
    .from(hosts)
    .where(eq(hosts.id, hostId));
  if (!row) throw new AppError("not_found", "no such host");
  return row;
}

/** Replaces the API-set labels of a host (the agent's stay); live listeners hear the new labels. */
export async function replaceApiLabels(
  ctx: ServiceContext,
  hostId: string,
  labels: HostLabels,
): Promise<HostLabelSources> {
  const row = await writeApiLabels(ctx.db, hostId, labels);
  if (!row) throw new AppError("not_found", "no such host");
  ctx.log.info({ hostId, labels }, "host labels set");
  await publishHost(ctx, hostId);
  return row;
}

async function writeApiLabels(db: ServiceContext["db"] | Tx, hostId: string, labels: HostLabels) {
  const [row] = await db
    .update(hosts)
    .set({ apiLabels: labels, labels: sql`${hosts.agentLabels} || ${JSON.stringify(labels)}::jsonb` })
    .where(eq(hosts.id, hostId))
    .returning({ labels: hosts.labels, agent: hosts.agentLabels, api: hosts.apiLabels });
  return row;
}

/** Sets and removes single API labels (CLI `labels set/unset`), keeping the others. */
export async function patchApiLabels(
  ctx: ServiceContext,
  hostId: string,
  change: { set?: HostLabels; unset?: readonly string[] },
): Promise<HostLabelSources> {
  const row = await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ api: hosts.apiLabels })
      .from(hosts)
      .where(eq(hosts.id, hostId))
      .for("update");
    if (!current) throw new AppError("not_found", "no such host");
    return writeApiLabels(tx, hostId, applyLabelChange(current.api, change));
  });
  if (!row) throw new AppError("not_found", "no such host");
  ctx.log.info({ hostId, change }, "host labels changed");
  await publishHost(ctx, hostId);
  return row;
}

/** The API-set labels after a `labels set/unset` change (at most HOST_LABELS_MAX, else bad_request). */
export function applyLabelChange(
  current: Readonly<HostLabels>,
  change: { set?: HostLabels; unset?: readonly string[] },
): HostLabels {
  const next: HostLabels = { ...current, ...change.set };
  for (const name of change.unset ?? []) delete next[name];
  if (Object.keys(next).length > HOST_LABELS_MAX) {
    throw new AppError("bad_request", `a host has at most ${HOST_LABELS_MAX} labels`);
  }
  return next;
}

/** A host by id, or by hostname when exactly one host has it (the CLI's HOST argument). */
export async function resolveHostRef(ctx: ServiceContext, ref: string): Promise<string> {
  const [byId] = await ctx.db.select({ id: hosts.id }).from(hosts).where(eq(hosts.id, ref));
  if (byId) return byId.id;
  const byName = await ctx.db.select({ id: hosts.id }).from(hosts).where(eq(hosts.hostname, ref)).limit(5);
  if (byName.length === 1 && byName[0]) return byName[0].id;
  throw hostRefError(
    ref,
    byName.map((h) => h.id),
  );
}

/** Why a HOST argument names no host (no id matches, `named` the ids of the hosts of that name). */
export function hostRefError(ref: string, named: readonly string[]): AppError {
  if (named.length === 0)
    return new AppError("not_found", `no host with id or hostname ${JSON.stringify(ref)}`);
  return new AppError(
    "conflict",
    `several hosts are named ${JSON.stringify(ref)} (${named.slice(0, 5).join(", ")}…): give the id`,
  );
}
