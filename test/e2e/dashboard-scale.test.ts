/**
 * The dashboard at 10,000 hosts in Debian's Chromium: the REAL built server on a database seeded
 * with 10,000 hosts (test/bench/lib/seed-hosts.ts: the simulator's hosts judged by core) and their
 * alerts (seed-alerts.ts: one firing alert per failing critical check, three resolved), on
 * PostgreSQL when KDUMPWATCH_TEST_DATABASE_URL is set (CI), else on PGlite. The Alerts page must
 * say what the API says, with only a window of rows in the DOM; the host list must count and page
 * through all of them with its page in the URL.
 */

import { join } from "node:path";
import { openDatabase } from "@kdumpwatch/db";
import { createScratchDatabase, type ScratchDatabase } from "@kdumpwatch/testkit/db";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedAlerts } from "../bench/lib/seed-alerts.ts";
import { seedHosts } from "../bench/lib/seed-hosts.ts";
import { launchChromium, signedIn } from "./support/browser.ts";
import {
  capturesDir,
  killAllServers,
  removeTempDirs,
  repo,
  requireBuilt,
  requireBundles,
  ServerProcess,
  tempDir,
  testDatabaseUrl,
} from "./support/server-process.ts";

const HOSTS = 10_000;
const ADMIN = "kdw-e2e-scale-admin-0123456789";

let scratch: ScratchDatabase | null = null;
let server: ServerProcess;
let url: string;
let browser: Browser;
let page: Page;

const hash = () =>
  page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
const alertRowsInDom = () => page.locator("[data-testid=alert-row]").count();

beforeAll(async () => {
  requireBundles();
  requireBuilt(join(repo, "apps/dashboard/dist/index.html"), "pnpm --filter @kdumpwatch/dashboard build");
  const env: Record<string, string> = {
    // the seeded stale hosts are hours old: with a 30-day threshold nothing turns stale (and alerts)
    // while the test compares numbers
    KDUMPWATCH_STALE_AFTER: String(30 * 86_400),
  };
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  if (testDatabaseUrl) {
    scratch = await createScratchDatabase(testDatabaseUrl);
    handle = await openDatabase({ url: scratch.url });
    env.DATABASE_URL = scratch.url;
  } else {
    const dataDir = join(tempDir("kdw-scale-data-"), "data");
    handle = await openDatabase({ dataDir });
    env.KDUMPWATCH_DATA_DIR = dataDir;
  }
  try {
    await seedHosts(handle.db, { count: HOSTS, capturesDir, batch: 500 });
    await seedAlerts(handle.db, { resolved: 3 });
  } finally {
    await handle.close();
  }
  server = await ServerProcess.started({ adminToken: ADMIN, env });
  url = await server.url();
  browser = await launchChromium();
  page = await (await signedIn(browser, url, ADMIN)).newPage();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await killAllServers();
  await scratch?.drop();
  removeTempDirs();
});

describe("the dashboard at 10,000 hosts", () => {
  test("the Alerts page says exactly what /api/alerts says, with a window of rows in the DOM that grows as it scrolls", async () => {
    const api = (await server.api("/api/alerts?limit=10000")) as {
      alerts: { state: string }[];
      truncated: boolean;
    };
    expect(api.truncated).toBe(false);
    const firing = api.alerts.filter((a) => a.state === "firing").length;
    const resolved = api.alerts.filter((a) => a.state === "resolved").length;
    expect(firing, "thousands of alerts").toBeGreaterThan(1000);
    expect(resolved).toBe(3);

    await page.goto(`${url}/#/alerts`);
    await page.locator("[data-testid=alert-row]").first().waitFor();
    const n = (x: number) => x.toLocaleString("en-US");
    await expect.poll(() => page.locator("[data-testid=count-firing]").textContent()).toBe(n(firing));
    expect(await page.locator("[data-testid=count-resolved]").textContent()).toBe(n(resolved));
    expect(await page.locator("[data-testid=alerts-status]").textContent()).toContain(`${n(firing)} match`);
    const inDom = await alertRowsInDom();
    process.stdout.write(
      `alerts at ${HOSTS} hosts: ${firing} firing, ${resolved} resolved; ${inDom} rows in the DOM\n`,
    );
    expect(inDom, "only the rows near the viewport are rendered").toBeLessThan(80);

    // scrolling to the end of the first page loads the next one; the DOM stays a window
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, 2500);
      await page.waitForTimeout(150);
    }
    await expect
      .poll(() => page.locator("[data-testid=alerts-status]").textContent())
      .toMatch(/· [4-9]\d\d loaded|· \d,\d{3} loaded/);
    expect(await alertRowsInDom()).toBeLessThan(80);

    await page.locator("[data-testid=group-cause]").click();
    await page.locator("[data-testid=alert-group]").first().waitFor();
    const groups = await page.locator("[data-testid=alert-group] td:nth-child(2)").allTextContents();
    const sum = groups.reduce((s, t) => s + Number(t.replace(/,/g, "")), 0);
    expect(sum, "the root-cause groups add up to the firing alerts").toBe(firing);
  });

  test("the host list counts all the hosts, and its page lives in the URL: reload, back and previous keep the place", async () => {
    await page.goto(`${url}/#/`);
    await page.locator("[data-testid=host-row]").first().waitFor();
    await expect
      .poll(() => page.locator("[data-testid=match-count]").textContent())
      .toBe("10,000 in total · page 1 of 100");
    const firstPage = await page.locator("[data-testid=host-row]").first().getAttribute("data-hostname");
    const firstRow = () => page.locator("[data-testid=host-row]").first().getAttribute("data-hostname");
    await page.locator("[data-testid=next-page]").click();
    await expect.poll(hash).toMatch(/^#\/\?page=2&after=/);
    await expect
      .poll(() => page.locator("[data-testid=page-status]").textContent())
      .toContain("page 2 of 100");
    await expect.poll(firstRow, { message: "page 2's rows are shown" }).not.toBe(firstPage);
    const second = await firstRow();
    await page.locator("[data-testid=next-page]").click();
    await expect.poll(hash).toMatch(/^#\/\?page=3&after=/);
    await expect.poll(firstRow, { message: "page 3's rows are shown" }).not.toBe(second);
    const third = await firstRow();
    await page.reload();
    await page.locator("[data-testid=host-row]").first().waitFor();
    expect(
      await page.locator("[data-testid=host-row]").first().getAttribute("data-hostname"),
      "a reload opens the same page",
    ).toBe(third);
    await expect
      .poll(() => page.locator("[data-testid=page-status]").textContent())
      .toContain("page 3 of 100");
    // after the reload the cursor of page 2 is found again by walking from page 1
    await page.locator("[data-testid=previous-page]").click();
    await expect.poll(hash).toMatch(/^#\/\?page=2&after=/);
    await expect.poll(firstRow, { message: "previous shows page 2 again" }).toBe(second);
    await page.goBack();
    await expect.poll(hash).toMatch(/^#\/\?page=3&after=/);
    await page.locator("[data-testid=host-row]").first().waitFor();
    await page.goto(`${url}/#/`);
    await expect
      .poll(() => page.locator("[data-testid=host-row]").first().getAttribute("data-hostname"))
      .toBe(firstPage);
  });
});
