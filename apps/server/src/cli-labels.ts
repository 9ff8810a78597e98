/**
 * `kdumpwatch-server labels show|set|unset` and `kdumpwatch-server api-token create|list|revoke`
 * (defined in cli-program.ts): they open the database and call the same service verbs as the API.
 */
import {
  API_TOKEN_SCOPES,
  ApiTokenCreateSchema,
  type HostLabelSources,
  HostLabelsSchema,
  labelNameProblem,
} from "@kdumpwatch/protocol";
import { createApiToken, listApiTokens, revokeApiToken } from "./services/api-tokens.ts";
import type { ServiceContext } from "./services/context.ts";
import { getHostLabels, patchApiLabels, resolveHostRef } from "./services/host-labels.ts";

export interface CommandIo {
  out(line: string): void;
}

/** A command line the command cannot take (exit 64). */
export class CommandUsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;
export type WithContext = <T>(fn: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

function printLabels(io: CommandIo, sources: HostLabelSources, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(sources));
    return;
  }
  const names = Object.keys(sources.labels).sort();
  if (names.length === 0) io.out("(no labels)");
  for (const name of names)
    io.out(`${name}=${sources.labels[name]}  (${name in sources.api ? "api" : "agent"})`);
}

const list = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** `labels show HOST`, `labels set HOST a=1,b=2`, `labels unset HOST a,b` */
export async function labelsCommand(
  sub: "show" | "set" | "unset",
  args: readonly string[],
  values: Values,
  withContext: WithContext,
  io: CommandIo,
): Promise<number> {
  const [ref = "", what] = args;
  const json = values.json === true;
  let change: { set?: Record<string, string>; unset?: string[] } | null = null;
  if (sub === "set") {
    const set: Record<string, string> = {};
    for (const pair of list(what)) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new CommandUsageError(`"${pair}" is not NAME=VALUE`);
      set[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const parsed = HostLabelsSchema.safeParse(set);
    if (!parsed.success || Object.keys(set).length === 0) {
      const issue = parsed.success ? undefined : parsed.error.issues[0];
      throw new CommandUsageError(
        `${issue?.path.join(".") || "labels"}: ${issue?.message ?? "name at least one"}`,
      );
    }
    change = { set: parsed.data };
  } else if (sub === "unset") {
    const names = list(what);
    for (const name of names) {
      const problem = labelNameProblem(name);
      if (problem !== null) throw new CommandUsageError(problem);
    }
    if (names.length === 0) throw new CommandUsageError("name at least one label");
    change = { unset: names };
  }
  return withContext(async (ctx) => {
    const hostId = await resolveHostRef(ctx, ref);
    printLabels(
      io,
      change === null ? await getHostLabels(ctx, hostId) : await patchApiLabels(ctx, hostId, change),
      json,
    );
    return 0;
  });
}

/** `api-token create --scope metrics:read`, `api-token list`, `api-token revoke ID` */
export async function apiTokenCommand(
  sub: "create" | "list" | "revoke",
  args: readonly string[],
  values: Values,
  withContext: WithContext,
  io: CommandIo,
): Promise<number> {
  const json = values.json === true;
  if (sub === "create") {
    const input = ApiTokenCreateSchema.safeParse({
      scopes: list(typeof values.scope === "string" ? values.scope : undefined),
      ...(typeof values.label === "string" ? { label: values.label } : {}),
    });
    if (!input.success) throw new CommandUsageError(`--scope ${API_TOKEN_SCOPES.join(" | ")} is required`);
    return withContext(async (ctx) => {
      const created = await createApiToken(ctx, input.data);
      if (json) io.out(JSON.stringify(created));
      else {
        io.out(`api token ${created.token.id}: scopes ${created.token.scopes.join(",")}`);
        io.out(created.secret);
      }
      return 0;
    });
  }
  if (sub === "list") {
    return withContext(async (ctx) => {
      const { tokens } = await listApiTokens(ctx);
      if (json) {
        io.out(JSON.stringify({ tokens }));
        return 0;
      }
      io.out(
        ["ID".padEnd(14), "SCOPES".padEnd(16), "STATE".padEnd(9), "LAST USED".padEnd(26), "LABEL"].join(" "),
      );
      for (const t of tokens) {
        const state = t.revokedAt ? "revoked" : "active";
        io.out(
          [
            t.id.padEnd(14),
            t.scopes.join(",").padEnd(16),
            state.padEnd(9),
            (t.lastUsedAt ?? "never").padEnd(26),
            t.label ?? "",
          ].join(" "),
        );
      }
      return 0;
    });
  }
  const id = args[0] ?? "";
  return withContext(async (ctx) => {
    const t = await revokeApiToken(ctx, id);
    io.out(json ? JSON.stringify(t) : `api token ${t.id} revoked`);
    return 0;
  });
}
