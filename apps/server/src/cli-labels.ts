/**
 * `kdumpwatch-server labels …` and `kdumpwatch-server api-token …`, in the style of `token …`
 * (cli.ts): they open the database themselves and call the same service verbs as the API.
 *
 *   labels show HOST [--json]            effective labels, the agent's and the API's
 *   labels set HOST NAME=VALUE…          set API labels (they override the agent's)
 *   labels unset HOST NAME…              remove API labels
 *   api-token create --scope metrics:read [--label TEXT] [--json]
 *   api-token list [--json] | api-token revoke ID
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

export class CommandUsageError extends Error {}

type WithContext = <T>(fn: (ctx: ServiceContext) => Promise<T>) => Promise<T>;

function printLabels(io: CommandIo, sources: HostLabelSources, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(sources));
    return;
  }
  const names = Object.keys(sources.labels).sort();
  if (names.length === 0) io.out("(no labels)");
  for (const name of names) {
    const from = name in sources.api ? "api" : "agent";
    io.out(`${name}=${sources.labels[name]}  (${from})`);
  }
}

export async function labelsCommand(
  sub: string | undefined,
  args: string[],
  values: Record<string, unknown>,
  withContext: WithContext,
  io: CommandIo,
): Promise<number> {
  const [ref, ...rest] = args;
  if (ref === undefined || !["show", "set", "unset"].includes(sub ?? "")) {
    throw new CommandUsageError("labels: expected show HOST, set HOST NAME=VALUE… or unset HOST NAME…");
  }
  const json = values.json === true;
  if (sub === "show") {
    return withContext(async (ctx) => {
      printLabels(io, await getHostLabels(ctx, await resolveHostRef(ctx, ref)), json);
      return 0;
    });
  }
  if (rest.length === 0) throw new CommandUsageError(`labels ${sub}: name at least one label`);
  if (sub === "set") {
    const set: Record<string, string> = {};
    for (const pair of rest) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new CommandUsageError(`labels set: "${pair}" is not NAME=VALUE`);
      set[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const parsed = HostLabelsSchema.safeParse(set);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CommandUsageError(
        `labels set: ${issue?.path.join(".") || "labels"}: ${issue?.message ?? "invalid"}`,
      );
    }
    return withContext(async (ctx) => {
      printLabels(io, await patchApiLabels(ctx, await resolveHostRef(ctx, ref), { set: parsed.data }), json);
      return 0;
    });
  }
  for (const name of rest) {
    const problem = labelNameProblem(name);
    if (problem !== null) throw new CommandUsageError(`labels unset: ${problem}`);
  }
  return withContext(async (ctx) => {
    printLabels(io, await patchApiLabels(ctx, await resolveHostRef(ctx, ref), { unset: rest }), json);
    return 0;
  });
}

export async function apiTokenCommand(
  sub: string | undefined,
  args: string[],
  values: Record<string, unknown>,
  withContext: WithContext,
  io: CommandIo,
): Promise<number> {
  const json = values.json === true;
  if (sub === "create") {
    const scopes = Array.isArray(values.scope) ? values.scope : [];
    const input = ApiTokenCreateSchema.safeParse({
      scopes,
      ...(values.label !== undefined ? { label: String(values.label) } : {}),
    });
    if (!input.success) {
      throw new CommandUsageError(`api-token create: --scope ${API_TOKEN_SCOPES.join(" | ")} is required`);
    }
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
      if (json) io.out(JSON.stringify({ tokens }));
      else {
        io.out(
          ["ID".padEnd(14), "SCOPES".padEnd(16), "STATE".padEnd(9), "LAST USED".padEnd(26), "LABEL"].join(
            " ",
          ),
        );
        for (const t of tokens) {
          io.out(
            [
              t.id.padEnd(14),
              t.scopes.join(",").padEnd(16),
              (t.revokedAt ? "revoked" : "active").padEnd(9),
              (t.lastUsedAt ?? "never").padEnd(26),
              t.label ?? "",
            ].join(" "),
          );
        }
      }
      return 0;
    });
  }
  const [id] = args;
  if (sub === "revoke" && id !== undefined && args.length === 1) {
    return withContext(async (ctx) => {
      const t = await revokeApiToken(ctx, id);
      io.out(`api token ${t.id} revoked`);
      return 0;
    });
  }
  throw new CommandUsageError("api-token: expected create --scope metrics:read, list or revoke ID");
}
