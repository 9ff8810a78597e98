/**
 * PGlite on a full disk (issue 12 §1), reproduced for real: the data directory sits on a small
 * tmpfs mounted for this test (needs root, as the end-to-end tests run), the REAL server bundle
 * stores snapshots there, and then a filler file takes every free byte. How to reproduce by hand:
 *
 *   mount -t tmpfs -o size=256m tmpfs /mnt/kdw && KDUMPWATCH_DATA_DIR=/mnt/kdw node apps/server/dist/kdumpwatch-server.mjs
 *   dd if=/dev/zero of=/mnt/kdw/filler bs=1M      # until "No space left on device"
 *
 * The server must answer `/readyz` 503 with a database reason, log the cause once (no log flood,
 * no busy loop burning the CPU), tell agents to retry instead of acking, and recover once space
 * is freed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statfsSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LoadAgent } from "./support/load-agent.ts";
import {
  killAllServers,
  requireBuilt,
  ServerProcess,
  serverBundle,
  sleep,
} from "./support/server-process.ts";

const ADMIN = "disk-full-admin-token";
const ENROLL = "disk-full-enroll-token";
const SNAPSHOT: SnapshotPayload = {
  collectedAt: new Date().toISOString(),
  sources: {
    cmdline: { ok: true, text: "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro crashkernel=512M\n" },
    // big, so that a few snapshots need new pages
    dmesg: {
      ok: true,
      text: `${"kernel: some boot line with enough entropy 0123456789abcdef\n".repeat(4000)}`,
    },
  },
};

/** CPU seconds (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe("PGlite on a full disk", () => {
  const mountPoint = mkdtempSync(join(tmpdir(), "kdw-diskfull-"));
  const filler = join(mountPoint, "filler");
  let server: ServerProcess;
  let agents: LoadAgent[] = [];

  beforeAll(async () => {
    requireBuilt(serverBundle, "pnpm --filter @kdumpwatch/server build");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=256m", "tmpfs", mountPoint]);
    server = await ServerProcess.started({
      adminToken: ADMIN,
      enrollToken: ENROLL,
      env: { KDUMPWATCH_DATA_DIR: join(mountPoint, "data") },
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await killAllServers();
    try {
      execFileSync("umount", ["-l", mountPoint]);
    } finally {
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  test("the disk fills: /readyz 503 with the cause logged once, agents told to retry, no busy loop; space back: it recovers", async () => {
    const base = await server.url();
    agents = Array.from({ length: 3 }, (_, i) => new LoadAgent(base, `disk-${i}`, ENROLL, SNAPSHOT));
    for (const a of agents) a.start();
    await expect.poll(() => agents.every((a) => a.stats.acked.length >= 2), { timeout: 30_000 }).toBe(true);
    expect((await server.fetch("/readyz")).status).toBe(200);

    // take every free byte: dd writes until ENOSPC (its non-zero exit is the point), big blocks then small
    spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=1M"]);
    spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=4k", "oflag=append", "conv=notrunc"]);
    expect(statfsSync(mountPoint).bavail, "the disk is full").toBe(0);
    const readyz = await (async () => {
      for (let i = 0; i < 100; i++) {
        const res = await server.fetch("/readyz");
        if (res.status === 503) return (await res.json()) as { status: string; reason?: string };
        await sleep(200);
      }
      throw new Error(`/readyz never answered 503 on a full disk; output:\n${server.output.slice(-4000)}`);
    })();
    expect(readyz).toMatchObject({ status: "not_ready", reason: "database_storage" });
    expect(server.alive, `server died:\n${server.output.slice(-4000)}`).toBe(true);

    const acked = agents.reduce((n, a) => n + a.stats.acked.length, 0);
    const cpuBefore = cpuSeconds(server.pid);
    const linesBefore = server.output.split("\n").length;
    await sleep(5000);
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    const lines = server.output.split("\n").length - linesBefore;
    expect(cpu, "no busy loop while the disk is full").toBeLessThan(3);
    expect(lines, "no log flood while the disk is full").toBeLessThan(200);
    expect(server.output, "the cause is logged").toMatch(/database unavailable \(storage\)/);
    expect(
      agents.reduce((n, a) => n + a.stats.acked.length, 0),
      "nothing acked on a full disk",
    ).toBe(acked);
    expect(
      agents.some((a) => a.stats.retries.length > 0),
      "agents are told to retry",
    ).toBe(true);

    unlinkSync(filler);
    await expect
      .poll(async () => (await server.fetch("/readyz")).status, { timeout: 30_000, interval: 500 })
      .toBe(200);
    const resumedFrom = agents.map((a) => a.stats.acked.length);
    await expect
      .poll(() => agents.every((a, i) => a.stats.acked.length > (resumedFrom[i] ?? 0)), { timeout: 30_000 })
      .toBe(true);
  });
});
