/**
 * `kdumpwatch-server labels show|set|unset` and `kdumpwatch-server api-token create|list|revoke`
 * (defined in cli-program.ts): the same verbs as `GET/PUT /api/hosts/:id/labels` and
 * `/api/api-tokens`, through the running server's admin channel on PGlite, else on the database
 * directly (cli.ts `runSteps`).
 */
import {
  API_TOKEN_SCOPES,
  type ApiToken,
  type ApiTokenCreated,
  ApiTokenCreateSchema,
  type HostLabelSources,
  HostLabelsSchema,
  type HostList,
  labelNameProblem,
} from "@kdumpwatch/protocol";
import { createApiToken, listApiTokens, revokeApiToken } from "./services/api-tokens.ts";
import type { ServiceContext } from "./services/context.ts";
import {
  applyLabelChange,
  getHostLabels,
  hostRefError,
  patchApiLabels,
  resolveHostRef,
} from "./services/host-labels.ts";

export interface CommandIo {
  out(line: string): void;
}

/** A command line the command cannot take (exit 64). */
export class CommandUsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

/**
 * One request to the running server's admin channel: the body of a 2xx answer; null for a 404 when
 * `nullIfNotFound`; any other answer is thrown as the command's error (cli.ts).
 */
export type AdminCall = (request: {
  method: string;
  path: string;
  body?: unknown;
  nullIfNotFound?: boolean;
}) => Promise<unknown>;

/**
 * Runs a verb on the running server (`admin`, PGlite's admin channel: it holds the directory's lock)
 * when one listens, else on the database (`direct`); `notFound` is the message for an unknown id.
 */
export type RunSteps = <T>(verb: {
  admin: (call: AdminCall) => Promise<T>;
  direct: (ctx: ServiceContext) => Promise<T>;
  notFound?: string;
}) => Promise<T>;

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
  run: RunSteps,
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
  const sources = await run({
    admin: async (call) => {
      const path = `/api/hosts/${encodeURIComponent(await hostIdOnServer(call, ref))}/labels`;
      const current = (await call({ method: "GET", path })) as HostLabelSources;
      if (change === null) return current;
      // read, then replace: a label another admin changes in between is overwritten, as with PUT
      const labels = applyLabelChange(current.api, change);
      return (await call({ method: "PUT", path, body: { labels } })) as HostLabelSources;
    },
    direct: async (ctx) => {
      const hostId = await resolveHostRef(ctx, ref);
      return change === null ? getHostLabels(ctx, hostId) : patchApiLabels(ctx, hostId, change);
    },
  });
  printLabels(io, sources, json);
  return 0;
}

/** resolveHostRef through the API: the id itself, else the one host (decommissioned or not) of that hostname. */
async function hostIdOnServer(call: AdminCall, ref: string): Promise<string> {
  const path = `/api/hosts/${encodeURIComponent(ref)}/labels`;
  if ((await call({ method: "GET", path, nullIfNotFound: true })) !== null) return ref;
  const named: string[] = [];
  // `q` is a case-insensitive substring of the hostname (at most 255 characters): narrow, then compare exactly
  if (ref !== "" && ref.length <= 255) {
    for (const decommissioned of ["false", "true"]) {
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ q: ref, decommissioned, limit: "500" });
        if (cursor !== null) query.set("cursor", cursor);
        const page = (await call({ method: "GET", path: `/api/hosts?${query}` })) as HostList;
        for (const host of page.hosts) if (host.hostname === ref) named.push(host.id);
        cursor = page.nextCursor;
      } while (cursor !== null);
    }
  }
  if (named.length === 1 && named[0] !== undefined) return named[0];
  throw hostRefError(ref, named);
}

/** `api-token create --scope metrics:read`, `api-token list`, `api-token revoke ID` */
export async function apiTokenCommand(
  sub: "create" | "list" | "revoke",
  args: readonly string[],
  values: Values,
  run: RunSteps,
  io: CommandIo,
): Promise<number> {
  const json = values.json === true;
  if (sub === "create") {
    const input = ApiTokenCreateSchema.safeParse({
      scopes: list(typeof values.scope === "string" ? values.scope : undefined),
      ...(typeof values.label === "string" ? { label: values.label } : {}),
    });
    if (!input.success) throw new CommandUsageError(`--scope ${API_TOKEN_SCOPES.join(" | ")} is required`);
    const created = await run<ApiTokenCreated>({
      admin: async (call) =>
        (await call({ method: "POST", path: "/api/api-tokens", body: input.data })) as ApiTokenCreated,
      direct: (ctx) => createApiToken(ctx, input.data),
    });
    if (json) io.out(JSON.stringify(created));
    else {
      io.out(`api token ${created.token.id}: scopes ${created.token.scopes.join(",")}`);
      io.out(created.secret);
    }
    return 0;
  }
  if (sub === "list") {
    const { tokens } = await run<{ tokens: ApiToken[] }>({
      admin: async (call) =>
        (await call({ method: "GET", path: "/api/api-tokens" })) as { tokens: ApiToken[] },
      direct: (ctx) => listApiTokens(ctx),
    });
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
  }
  const id = args[0] ?? "";
  const t = await run<ApiToken>({
    admin: async (call) =>
      (await call({ method: "DELETE", path: `/api/api-tokens/${encodeURIComponent(id)}` })) as ApiToken,
    direct: (ctx) => revokeApiToken(ctx, id),
    notFound: `no api token with id ${JSON.stringify(id)} (kdumpwatch-server api-token list shows them)`,
  });
  io.out(json ? JSON.stringify(t) : `api token ${t.id} revoked`);
  return 0;
}
