/**
 * A real Alertmanager (Debian's prometheus-alertmanager, 0.25) for end-to-end tests (not a test
 * file): loopback only, a free port, its own temporary storage, clustering off, configured from
 * infra/alertmanager/alertmanager.example.yml with the receivers pointed at local recorders and
 * the group timings shortened.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, repo, tempDir } from "./server-process.ts";
import { killRunning, sleep, WatchedProcess } from "./watched-process.ts";

const ALERTMANAGER_BIN = "/usr/bin/prometheus-alertmanager";
const EXAMPLE_CONFIG = join(repo, "infra/alertmanager/alertmanager.example.yml");

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

export class Alertmanager extends WatchedProcess {
  constructor(
    child: ChildProcess,
    readonly url: string,
  ) {
    super(child);
  }

  /**
   * Starts it with the example configuration, `receivers` replacing the example's receiver URLs,
   * without waiting until it is ready (ready()): its URL is known at once, so the servers pushing to
   * it can start meanwhile.
   */
  static async spawn(receivers: { oncall: string; storage: string }): Promise<Alertmanager> {
    const dir = tempDir("kdw-am-");
    const config = readFileSync(EXAMPLE_CONFIG, "utf8")
      .replace("http://kdump-oncall.example:9000/hook", receivers.oncall)
      .replace("http://storage-team.example:9000/hook", receivers.storage)
      // shortened for the test, but kept above the servers' KDUMPWATCH_ALERT_GROUP_WAIT (1 s), as
      // the example's comment requires: a host's consequences can reach Alertmanager in an earlier
      // group than the root cause that inhibits them, and its group_wait is the margin
      .replace("group_wait: 30s", "group_wait: 3s")
      .replace("group_interval: 5m", "group_interval: 1s");
    writeFileSync(join(dir, "alertmanager.yml"), config);
    const port = await freePort();
    const child = spawn(
      ALERTMANAGER_BIN,
      [
        `--config.file=${join(dir, "alertmanager.yml")}`,
        `--storage.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    return new Alertmanager(child, `http://127.0.0.1:${port}`);
  }

  /** Waits (60 s) until it answers /-/ready. */
  async ready(): Promise<void> {
    for (const until = Date.now() + 60_000; ; ) {
      try {
        if ((await fetch(`${this.url}/-/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      if (!this.alive) throw new Error(`alertmanager exited: ${this.output}`);
      if (Date.now() > until) throw new Error(`alertmanager not ready: ${this.output}`);
      await sleep(100);
    }
  }

  /** Every alert it holds, with its inhibition status (GET /api/v2/alerts). */
  async alerts(): Promise<AlertmanagerAlert[]> {
    const res = await fetch(
      `${this.url}/api/v2/alerts?active=true&inhibited=true&silenced=true&unprocessed=true`,
    );
    if (!res.ok) throw new Error(`GET /api/v2/alerts: HTTP ${res.status}`);
    return (await res.json()) as AlertmanagerAlert[];
  }
}

/** SIGKILLs every Alertmanager a test started and left running. */
export function killAllAlertmanagers(): Promise<void> {
  return killRunning((p) => p instanceof Alertmanager);
}
