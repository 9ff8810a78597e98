/**
 * No silent staleness (issue 12 §2), end to end: the REAL server bundle on a private PostgreSQL
 * cluster (support/pg-cluster.ts) with a 1 s statement timeout; a psql session holds the
 * `snapshots` table locked against writes (SHARE mode: reads go on), so a host's next snapshot cannot be stored (statement timeout). The
 * host must then show "evidence not stored" in the API, on the dashboard (fleet row and Host page,
 * real Chromium) and as a KdumpIngestFailing alert; once the lock is gone, its next snapshot is
 * stored and the mark goes. Build first: `pnpm -r build`.
 */
import {
  AlertListSchema,
  HostDetailSchema,
  INGEST_FAILING_CHECK,
  type SnapshotPayload,
} from "@kdumpwatch/protocol";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, signedIn } from "./support/browser.ts";
import { PgCluster } from "./support/pg-cluster.ts";
import { RawAgent } from "./support/raw-agent.ts";
import { killAllServers, requireBuilt, ServerProcess, serverBundle } from "./support/server-process.ts";

const ADMIN = "ingest-failing-admin-token";
const ENROLL = "ingest-failing-enroll-token";
const snapshot = (n: number): SnapshotPayload => ({
  collectedAt: new Date().toISOString(),
  sources: {
    cmdline: { ok: true, text: `BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro crashkernel=512M n=${n}\n` },
    uname: { ok: true, text: "Linux web 6.8.0-45-generic #45-Ubuntu SMP x86_64 GNU/Linux\n" },
  },
});

describe("a host whose snapshots cannot be stored is visibly marked", () => {
  let cluster: PgCluster;
  let server: ServerProcess;
  let browser: Browser;
  const agent = new RawAgent("unlucky-1", { enrollToken: ENROLL });

  beforeAll(async () => {
    requireBuilt(serverBundle, "pnpm --filter @kdumpwatch/server build");
    // Chromium starts while the cluster is made and the server starts on it
    await Promise.all([
      launchChromium().then((b) => {
        browser = b;
      }),
      (async () => {
        cluster = await PgCluster.create();
        server = await ServerProcess.started({
          adminToken: ADMIN,
          enrollToken: ENROLL,
          env: {
            DATABASE_URL: cluster.createDatabase("kdw"),
            KDUMPWATCH_DB_STATEMENT_TIMEOUT: "1",
            KDUMPWATCH_ALERT_HOLD: "0",
          },
        });
      })(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await killAllServers();
    cluster?.destroy();
  });

  test("in the API, on the dashboard and as an alert, until a snapshot is stored again", async () => {
    const base = await server.url();
    await agent.report(base, snapshot(1));

    // the lock is held until this test has seen every mark, then committed (was a 12 s pg_sleep
    // and a 500 ms guess at when psql had taken it)
    const lock = cluster.psqlSession("kdw");
    await lock.run("begin; lock table snapshots in share mode; select 'locked';", "locked");
    await expect(agent.report(base, snapshot(2)), "the server asks the agent to retry").rejects.toThrow(
      /retry/,
    );

    const detail = HostDetailSchema.parse(await server.api(`/api/hosts/${agent.hostId}`));
    expect(detail.host.ingestFailure, server.output.slice(-3000)).toMatchObject({
      reason: "database_timeout",
    });
    expect(server.output).toMatch(/snapshot not stored/);

    await expect
      .poll(
        async () =>
          AlertListSchema.parse(await server.api(`/api/alerts?hostId=${agent.hostId}`)).alerts.find(
            (a) => a.check === INGEST_FAILING_CHECK,
          )?.alertname,
        { timeout: 15_000 },
      )
      .toBe("KdumpIngestFailing");

    const context = await signedIn(browser, base, ADMIN);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const row = page.locator(`[data-testid=host-row][data-hostname="unlucky-1"]`);
    await row.locator("[data-testid=ingest-failing]").waitFor({ timeout: 20_000 });
    expect(await row.locator("[data-testid=ingest-failing]").getAttribute("data-reason")).toBe(
      "database_timeout",
    );
    await row.locator("a").first().click();
    await page.locator("[data-testid=host-name]").waitFor();
    await page.locator("[data-testid=ingest-failing]").waitFor();
    expect(await page.locator("[data-testid=ingest-failing]").textContent()).toContain("evidence not stored");

    expect(await lock.end("commit;"), "the lock session ended cleanly").toBe(0);
    await agent.report(base, snapshot(3));
    const after = HostDetailSchema.parse(await server.api(`/api/hosts/${agent.hostId}`));
    expect(after.host.ingestFailure).toBeNull();
    await page.reload();
    await page.locator("[data-testid=host-name]").waitFor();
    await expect
      .poll(() => page.locator("[data-testid=ingest-failing]").count(), { timeout: 10_000 })
      .toBe(0);
    await context.close();
  });
});
