import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataDirLockedError, openDatabase, snapshots } from "@kdumpwatch/db";
import { CLOSE_CODES } from "@kdumpwatch/protocol";
import { hello, snapshotFrame, TestAgent } from "@kdumpwatch/testkit/server";
import { afterAll, describe, expect, test } from "vitest";
import { loadConfig } from "./config.ts";
import { silentLogger } from "./log.ts";
import { startServer } from "./server.ts";

describe("server lifecycle on a PGlite data directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "kdw-server-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = () =>
    loadConfig({ PORT: "0", KDUMPWATCH_DATA_DIR: dir, KDUMPWATCH_ENROLL_TOKEN: "fleet-token-lifecycle" });

  test("announces itself, keeps a second process out, drains agents on close and restarts cleanly", async () => {
    const lines: string[] = [];
    const server = await startServer({
      config: config(),
      log: silentLogger(),
      announce: (l) => lines.push(l),
    });
    expect(
      lines.find((l) => l.startsWith("admin token: kdwa_")),
      "the generated admin token is printed",
    ).toBeDefined();
    expect(lines.at(-1)).toBe(`kdumpwatch-server listening on ${server.url}`);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);

    await expect(
      startServer({ config: config(), log: silentLogger(), announce: () => {} }),
    ).rejects.toBeInstanceOf(DataDirLockedError);

    const agent = await TestAgent.connect(`${server.url.replace("http", "ws")}/api/agent/ws`);
    agent.send(hello({ auth: { kind: "enroll", token: "fleet-token-lifecycle" } }));
    await agent.next("welcome");
    agent.send(snapshotFrame("verdict=not_ready failing=kdump.loaded", 41));
    await new Promise((r) => setTimeout(r, 5)); // the frame is on the server, its transaction running
    await server.close();
    const closed = await agent.closed;
    expect(closed.code, "agents are told to reconnect").toBe(CLOSE_CODES.goingAway);
    expect(
      agent.messages.some((m) => m.type === "ack" && m.seq === 41),
      "the in-flight snapshot was acked first",
    ).toBe(true);

    // the lock is released: the directory opens again, with the snapshot committed
    const db = await openDatabase({ dataDir: dir });
    expect(await db.db.select().from(snapshots)).toHaveLength(1);
    await db.close();

    const again: string[] = [];
    const second = await startServer({
      config: config(),
      log: silentLogger(),
      announce: (l) => again.push(l),
    });
    expect(
      again.some((l) => l.startsWith("admin token:")),
      "the admin token is printed only once",
    ).toBe(false);
    await second.close();
  });
});
