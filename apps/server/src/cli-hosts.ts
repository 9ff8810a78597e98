/**
 * `kdumpwatch-server host decommission ID...`, `host merge ID`, `host reject ID` (defined in
 * cli-program.ts): the same verbs as `POST /api/hosts/decommission` and `POST /api/hosts/:id/duplicate`,
 * through the running server's admin channel on PGlite, else on the database directly.
 */
import type { DecommissionResult, DuplicateAction, DuplicateResolved } from "@kdumpwatch/protocol";
import { type CommandIo, CommandUsageError } from "./cli-labels.ts";
import type { ServiceContext } from "./services/context.ts";
import { decommissionHosts } from "./services/decommission.ts";
import { resolveDuplicate } from "./services/duplicates.ts";

type Values = Record<string, string | boolean | undefined>;

/** Runs a verb on the running server (PGlite's admin channel) or on the database (cli.ts). */
export type RunVerb = (verb: {
  admin: [method: string, path: string, body?: unknown];
  direct: (ctx: ServiceContext) => Promise<unknown>;
  notFound?: string;
}) => Promise<unknown>;

export async function hostCommand(
  sub: "decommission" | "merge" | "reject",
  args: readonly string[],
  values: Values,
  run: RunVerb,
  io: CommandIo,
): Promise<number> {
  const json = values.json === true;
  if (sub === "decommission") {
    const ids = [...new Set(args.filter((a) => a.trim() !== ""))];
    if (ids.length === 0) throw new CommandUsageError("name at least one host id");
    const result = (await run({
      admin: ["POST", "/api/hosts/decommission", { ids }],
      direct: (ctx) => decommissionHosts(ctx, { ids }),
    })) as DecommissionResult;
    if (json) io.out(JSON.stringify(result));
    else {
      for (const id of result.decommissioned) io.out(`host ${id} decommissioned`);
      for (const id of result.alreadyDecommissioned) io.out(`host ${id} was already decommissioned`);
      for (const id of result.unknownHostIds) io.out(`host ${id}: no such host`);
    }
    return result.unknownHostIds.length > 0 ? 1 : 0;
  }
  const id = args[0] ?? "";
  if (id === "") throw new CommandUsageError("name the suspected duplicate's host id");
  const action: DuplicateAction = sub;
  const resolved = (await run({
    admin: ["POST", `/api/hosts/${encodeURIComponent(id)}/duplicate`, { action }],
    direct: (ctx) => resolveDuplicate(ctx, id, action),
    notFound: `no host with id ${JSON.stringify(id)}`,
  })) as DuplicateResolved;
  if (json) io.out(JSON.stringify(resolved));
  else if (action === "merge")
    io.out(`host ${id} merged into ${resolved.host.id} (${resolved.host.hostname})`);
  else io.out(`host ${id} rejected: decommissioned, its credential revoked`);
  return 0;
}
