/**
 * Configuration of `run`: flags > environment > /etc/kdumpwatch/agent.json (or --config FILE) >
 * defaults, validated up front. Bad configuration is a value naming the setting and where it came
 * from (`--interval`, `KDUMPWATCH_INTERVAL`, `interval in /etc/kdumpwatch/agent.json`); the command
 * turns it into exit 64. Server trouble is never a configuration error.
 *
 *   {"server": "https://kdumpwatch.example.net", "enrollToken": "…", "interval": 60,
 *    "labels": {"team": "storage", "site": "par1"}}
 *
 * Labels merge name by name: `--label team=x` beats KDUMPWATCH_LABELS="team=y,site=z", which beats
 * "labels" in the file; each is checked with the server's label rules (protocol labels.ts).
 */
import { isAbsolute, resolve } from "node:path";
import { parseOptions } from "@kdumpwatch/cli";
import { HOST_LABELS_MAX, labelNameProblem, labelValueProblem } from "@kdumpwatch/protocol";
import * as z from "zod/mini";
import { RUN_COMMAND } from "../cli/program.ts";
import type { LogLevel } from "./ports.ts";

export const DEFAULT_CONFIG_FILE = "/etc/kdumpwatch/agent.json";
const DEFAULT_STATE_DIR = "/var/lib/kdumpwatch";
const AGENT_WS_PATH = "/api/agent/ws";
const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

export interface RunConfig {
  /** the base URL as configured */
  server: string;
  /** where the socket goes: ws(s)://host[:port][/prefix]/api/agent/ws */
  wsUrl: string;
  enrollToken: string | undefined;
  stateDir: string;
  root: string | undefined;
  once: boolean;
  intervalSec: number;
  /** `--once` gives up after this long */
  timeoutSec: number;
  logLevel: LogLevel;
  /** host labels (team, site, environment…), sent in every hello */
  labels: Record<string, string>;
}

export type ConfigResult = { ok: true; config: RunConfig } | { ok: false; message: string };

export interface ConfigInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** rejects with an errno-style error (code ENOENT when absent) */
  readFile: (path: string) => Promise<string>;
  cwd: string;
}

const FileConfigSchema = z.strictObject({
  server: z.optional(z.string()),
  enrollToken: z.optional(z.string()),
  stateDir: z.optional(z.string()),
  root: z.optional(z.string()),
  interval: z.optional(z.number()),
  logLevel: z.optional(z.string()),
  labels: z.optional(z.record(z.string(), z.string())),
});
type FileConfig = z.infer<typeof FileConfigSchema>;

/** One setting's value and the name of where it came from, for messages. */
interface Setting<T> {
  value: T;
  from: string;
}

export async function loadRunConfig(input: ConfigInput): Promise<ConfigResult> {
  const parsed = parseOptions(RUN_COMMAND.options, input.argv);
  if (!parsed.ok) return fail(`run: ${parsed.message}`);
  if (parsed.args.length > 0) return fail(`run: unexpected argument '${parsed.args[0]}'`);
  const flags = stringFlags(parsed.values);
  const configPath = flags.config ?? DEFAULT_CONFIG_FILE;
  const file = await readConfigFile(configPath, flags.config !== undefined, input.readFile);
  if (!file.ok) return file;
  const fromFile = (key: string) => `${key} in ${configPath}`;
  const env = (name: string): string | undefined => {
    const value = input.env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const pick = <T>(...candidates: Array<[T | undefined, string]>): Setting<T> | undefined => {
    for (const [value, from] of candidates) if (value !== undefined) return { value, from };
    return undefined;
  };

  const server = pick<string>(
    [flags.server, "--server"],
    [env("KDUMPWATCH_SERVER"), "KDUMPWATCH_SERVER"],
    [file.config.server, fromFile("server")],
  );
  if (server === undefined) {
    return fail(`no server configured: set --server URL, KDUMPWATCH_SERVER or "server" in ${configPath}`);
  }
  const wsUrl = deriveWsUrl(server.value);
  if (wsUrl === null) return fail(`${server.from}: "${server.value}" is not an http(s):// or ws(s):// URL`);

  const token = pick<string>(
    [flags["enroll-token"], "--enroll-token"],
    [env("KDUMPWATCH_ENROLL_TOKEN"), "KDUMPWATCH_ENROLL_TOKEN"],
    [file.config.enrollToken, fromFile("enrollToken")],
  );
  if (token !== undefined && (token.value.trim() === "" || token.value.length > 256)) {
    return fail(`${token.from}: the enrollment token must be 1 to 256 characters`);
  }

  const stateDir = pick<string>(
    [flags["state-dir"], "--state-dir"],
    [env("KDUMPWATCH_STATE_DIR"), "KDUMPWATCH_STATE_DIR"],
    [file.config.stateDir, fromFile("stateDir")],
  ) ?? { value: DEFAULT_STATE_DIR, from: "default" };
  if (stateDir.value.trim() === "") return fail(`${stateDir.from}: the state directory must not be empty`);

  const root = pick<string>([flags.root, "--root"], [file.config.root, fromFile("root")]);
  if (root !== undefined && root.value.trim() === "") return fail(`${root.from}: --root needs a directory`);

  const interval = pick<string | number>(
    [flags.interval, "--interval"],
    [env("KDUMPWATCH_INTERVAL"), "KDUMPWATCH_INTERVAL"],
    [file.config.interval, fromFile("interval")],
  ) ?? { value: 60, from: "default" };
  const intervalSec = wholeNumber(interval.value, 1, 86_400);
  if (intervalSec === null) {
    return fail(`${interval.from}: "${interval.value}" is not a whole number of seconds from 1 to 86400`);
  }

  const timeout = { value: flags.timeout ?? "30", from: "--timeout" };
  const timeoutSec = wholeNumber(timeout.value, 1, 3_600);
  if (timeoutSec === null)
    return fail(`--timeout: "${timeout.value}" is not a whole number of seconds from 1 to 3600`);

  const level = pick<string>(
    [env("KDUMPWATCH_LOG_LEVEL"), "KDUMPWATCH_LOG_LEVEL"],
    [file.config.logLevel, fromFile("logLevel")],
  ) ?? { value: "info", from: "default" };
  const logLevel = LOG_LEVELS.find((l) => l === level.value);
  if (logLevel === undefined)
    return fail(`${level.from}: "${level.value}" is not one of ${LOG_LEVELS.join(", ")}`);

  const labels = mergeLabels([
    [file.config.labels === undefined ? [] : Object.entries(file.config.labels), fromFile("labels")],
    [pairs(env("KDUMPWATCH_LABELS")?.split(",") ?? []), "KDUMPWATCH_LABELS"],
    [pairs(flags.label?.split(",") ?? []), "--label"],
  ]);
  if (typeof labels === "string") return fail(labels);

  return {
    ok: true,
    config: {
      labels,
      server: server.value,
      wsUrl,
      enrollToken: token?.value,
      stateDir: absolute(stateDir.value, input.cwd),
      root: root === undefined ? undefined : absolute(root.value, input.cwd),
      once: flags.once === true,
      intervalSec,
      timeoutSec,
      logLevel,
    },
  };
}

/** http→ws, https→wss, + /api/agent/ws (after any path prefix); null when it is no such URL. */
export function deriveWsUrl(base: string): string | null {
  let url: URL;
  try {
    url = new URL(base.trim());
  } catch {
    return null;
  }
  const scheme = { "http:": "ws:", "https:": "wss:", "ws:": "ws:", "wss:": "wss:" }[url.protocol];
  if (scheme === undefined || url.hostname === "") return null;
  const path = url.pathname.replace(/\/+$/, "");
  const wsPath = path.endsWith(AGENT_WS_PATH) ? path : `${path}${AGENT_WS_PATH}`;
  const port = url.port === "" ? "" : `:${url.port}`;
  return `${scheme}//${url.hostname}${port}${wsPath}`;
}

/** Option values of `run` (RUN_COMMAND in cli/program.ts, the one definition of its flags). */
function stringFlags(values: Record<string, string | boolean | undefined>) {
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  return {
    server: text("server"),
    "enroll-token": text("enroll-token"),
    "state-dir": text("state-dir"),
    root: text("root"),
    once: values.once === true,
    interval: text("interval"),
    timeout: text("timeout"),
    config: text("config"),
    label: text("label"),
  };
}

async function readConfigFile(
  path: string,
  explicit: boolean,
  readFile: ConfigInput["readFile"],
): Promise<{ ok: true; config: FileConfig } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !explicit) return { ok: true, config: {} };
    return fail(`config file ${path}: ${code === "ENOENT" ? "no such file" : (code ?? String(err))}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(`config file ${path}: not valid JSON`);
  }
  const parsed = FileConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "top level";
    const keys = issue?.code === "unrecognized_keys" ? ` (unknown setting ${issue.keys.join(", ")})` : "";
    return fail(`config file ${path}: ${where}: ${issue?.message ?? "invalid"}${keys}`);
  }
  return { ok: true, config: parsed.data };
}

/** `name=value` texts → pairs; a text without `=` becomes a pair with a problem to report. */
function pairs(texts: readonly string[]): Array<[string, string | null]> {
  return texts
    .map((t) => t.trim())
    .filter((t) => t !== "")
    .map((t) => {
      const eq = t.indexOf("=");
      return eq <= 0 ? [t, null] : [t.slice(0, eq).trim(), t.slice(eq + 1)];
    });
}

/** Later sources win name by name; the first bad label is the error, naming where it came from. */
function mergeLabels(
  sources: Array<[Array<[string, string | null]>, string]>,
): Record<string, string> | string {
  const labels: Record<string, string> = {};
  for (const [entries, from] of sources) {
    for (const [name, value] of entries) {
      if (value === null) return `${from}: "${name}" is not name=value`;
      const problem = labelNameProblem(name) ?? labelValueProblem(value);
      if (problem !== null) return `${from}: ${problem}`;
      labels[name] = value;
    }
  }
  if (Object.keys(labels).length > HOST_LABELS_MAX) return `labels: at most ${HOST_LABELS_MAX}`;
  return labels;
}

function wholeNumber(value: string | number, min: number, max: number): number | null {
  const n = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
