/**
 * `kdumpwatch-agent run` (product.md §4): stream this host's (or a capture's) evidence to the server.
 * This file only wires the real world into `AgentClient`: configuration, state directory, signals
 * (SIGHUP collects at once, SIGTERM/SIGINT stop), exit status. Daemon mode never exits on server
 * trouble; bad configuration exits 64 naming the setting; `--once` failures exit 2.
 */
import { constants } from "node:fs";
import { access, mkdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { checkRootDir } from "../cli/dirs.ts";
import { EXIT } from "../cli/exit-codes.ts";
import { AGENT_VERSION } from "../cli/version.ts";
import { AgentClient } from "../client/agent-client.ts";
import { CredentialFileError, createFileCredentialStore } from "../client/credential-store.ts";
import { loadOrCreateEnrollKey } from "../client/enroll-key.ts";
import { createLogfmtLogger } from "../client/logfmt.ts";
import type { Outcome } from "../client/machine-model.ts";
import type { Credential, CredentialStore, Logger } from "../client/ports.ts";
import { systemClock } from "../client/ports.ts";
import type { RunConfig } from "../client/run-config.ts";
import { loadRunConfig } from "../client/run-config.ts";
import { createWsSocketFactory } from "../client/ws-socket.ts";
import { collectSnapshot } from "../collect/collector.ts";

/** `--once` could not deliver: refused token, unreachable server, timeout. */
const EXIT_ONCE_FAILED = 2;
const STATE_DIR_SETTING = "--state-dir / KDUMPWATCH_STATE_DIR / stateDir";

export async function runCommand(argv: string[]): Promise<number> {
  const loaded = await loadRunConfig({
    argv,
    env: process.env,
    readFile: (path) => readFile(path, "utf8"),
    cwd: process.cwd(),
  });
  if (!loaded.ok) return usage(loaded.message);
  const config = loaded.config;
  const log = createLogfmtLogger({ write: (line) => process.stderr.write(line), minLevel: config.logLevel });

  if (config.root !== undefined) {
    const problem = await checkRootDir(config.root);
    if (problem !== null) return usage(problem);
  }
  const stateProblem = await prepareStateDir(config.stateDir);
  if (stateProblem !== null) return usage(stateProblem);
  const store = await openCredentialStore(config, log);
  if (!store.ok) return usage(store.message);
  // proves "this host again" if it ever has to enroll again (docs/security.md "Identity and lifecycle")
  let enrollKey: string | undefined;
  if (config.enrollToken !== undefined) {
    try {
      enrollKey = await loadOrCreateEnrollKey(config.stateDir);
    } catch (err) {
      return usage((err as Error).message);
    }
  }

  const client = new AgentClient(
    {
      // the collector applies core's dmesg filter itself: only relevant lines leave the host
      collect: () => collectSnapshot(config.root === undefined ? {} : { root: config.root }),
      connect: createWsSocketFactory({ handshakeTimeoutMs: 20_000 }),
      clock: systemClock,
      log,
      store: store.store,
      fallbackHostname: hostname(),
    },
    {
      agentVersion: AGENT_VERSION,
      url: config.wsUrl,
      enrollToken: config.enrollToken,
      ...(enrollKey === undefined ? {} : { enrollKey }),
      once: config.once,
      collectIntervalMs: config.intervalSec * 1000,
      onceTimeoutMs: config.timeoutSec * 1000,
      labels: config.labels,
    },
  );

  const onHup = () => {
    log.log("info", "SIGHUP: collecting now");
    client.collectNow();
  };
  const onStop = (signal: NodeJS.Signals) => {
    log.log("info", "stopping", { signal });
    client.stop();
  };
  process.on("SIGHUP", onHup);
  process.on("SIGTERM", onStop);
  process.on("SIGINT", onStop);
  log.log("info", "starting", {
    version: AGENT_VERSION,
    server: config.wsUrl,
    stateDir: config.stateDir,
    root: config.root,
    interval: config.intervalSec,
    once: config.once,
    labels: Object.entries(config.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
    auth: store.hasCredential ? "credential" : "enroll",
  });
  try {
    return exitCodeOf(await client.run(), config.once);
  } finally {
    process.off("SIGHUP", onHup);
    process.off("SIGTERM", onStop);
    process.off("SIGINT", onStop);
  }
}

function exitCodeOf(outcome: Outcome, once: boolean): number {
  if (once && outcome.ok && outcome.reason === "stopped") {
    process.stderr.write("kdumpwatch-agent: run: stopped before the server acknowledged the snapshot\n");
    return EXIT_ONCE_FAILED;
  }
  if (outcome.ok) return 0;
  process.stderr.write(`kdumpwatch-agent: run: ${outcome.detail}\n`);
  return outcome.reason === "collect" ? EXIT.internal : EXIT_ONCE_FAILED;
}

/** The state directory must exist (mode 0700 when we create it) and be writable for the credential. */
async function prepareStateDir(dir: string): Promise<string | null> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK | constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return `state directory ${dir} (${STATE_DIR_SETTING}) cannot be created or written: ${code}`;
  }
}

type OpenedStore =
  | { ok: true; store: CredentialStore; hasCredential: boolean }
  | { ok: false; message: string };

/**
 * Reads the stored credential once. A damaged file is tolerated when an enrollment token can replace
 * it; with neither a credential nor a token the agent cannot authenticate: a configuration error.
 */
async function openCredentialStore(config: RunConfig, log: Logger): Promise<OpenedStore> {
  const files = createFileCredentialStore(config.stateDir);
  let credential: Credential | null;
  try {
    credential = await files.load();
  } catch (err) {
    if (!(err instanceof CredentialFileError)) throw err;
    if (config.enrollToken === undefined)
      return { ok: false, message: `${err.message}; no enrollment token to replace it` };
    log.log("warn", "ignoring the damaged host credential, enrolling again", { error: err.message });
    credential = null;
  }
  if (credential === null && config.enrollToken === undefined) {
    return {
      ok: false,
      message: `no host credential in ${config.stateDir} and no enrollment token: set --enroll-token, KDUMPWATCH_ENROLL_TOKEN or "enrollToken" in the config file`,
    };
  }
  const loaded = credential;
  return {
    ok: true,
    hasCredential: loaded !== null,
    store: { load: async () => loaded, save: (c) => files.save(c) },
  };
}

function usage(message: string): number {
  process.stderr.write(`kdumpwatch-agent: run: ${message}\n`);
  return EXIT.usage;
}
