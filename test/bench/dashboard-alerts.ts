/**
 * The Alerts page at 10,000 hosts, in Debian's Chromium against the REAL built server.
 *
 *   npx tsx test/bench/dashboard-alerts.ts [--hosts 10000] [--runs 5] [--postgres]
 *
 * The fleet is seeded into the database as the read-path benchmark does (bench/lib/seed-hosts.ts:
 * the simulator's hosts, judged by core) with their alerts (bench/lib/seed-alerts.ts: one firing
 * alert per failing critical check, three resolved); PGlite in a temp dir by default, or with
 * --postgres a fresh database kdw_perf_alerts on postgres://postgres@127.0.0.1:5432
 * (KDUMPWATCH_BENCH_PG overrides the server), dropped at the end.
 *
 * Per run, a fresh browser context (cold cache, signed in by API) opens #/alerts and measures from
 * navigation start: the first frame with alert rows and the counts on screen; whether the counts are
 * the API's (GET /api/alerts?limit=10000, counted here); rows and elements in the DOM; the time to
 * the "By root cause" groups after a click; the time until the next page of rows is loaded after
 * scrolling to the end of the first. Progress on stderr, one JSON object on stdout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openDatabase } from "@kdumpwatch/db";
import { chromium } from "playwright-core";
import { dropDatabase, recreateDatabase } from "./lib/database.ts";
import { seedAlerts } from "./lib/seed-alerts.ts";
import { seedHosts } from "./lib/seed-hosts.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER_BUNDLE = join(ROOT, "apps/server/dist/kdumpwatch-server.mjs");
const DASHBOARD_INDEX = join(ROOT, "apps/dashboard/dist/index.html");
const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-sync",
];
const ADMIN_TOKEN = "kdw-bench-alerts-admin-0123456789";
const PG_DATABASE = "kdw_perf_alerts";

const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    postgres: { type: "boolean", default: false },
  },
});
const HOSTS = Number(values.hosts);
const RUNS = Number(values.runs);
const log = (msg: string) => process.stderr.write(`dashboard-alerts: ${msg}\n`);

for (const path of [SERVER_BUNDLE, DASHBOARD_INDEX, CHROMIUM]) {
  if (!existsSync(path)) {
    log(`${path} is missing: pnpm build (and apt-get install -y chromium)`);
    process.exit(70);
  }
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (a && typeof a === "object" ? res(a.port) : rej(new Error("no port"))));
    });
  });
}

function startServer(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  return freePort().then(
    (port) =>
      new Promise((res, rej) => {
        const proc = spawn(process.execPath, [SERVER_BUNDLE], {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            PORT: String(port),
            HOST: "127.0.0.1",
            KDUMPWATCH_ADMIN_TOKEN: ADMIN_TOKEN,
            KDUMPWATCH_LOG_LEVEL: "warn",
            KDUMPWATCH_STALE_AFTER: String(30 * 86_400),
            ...env,
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        const timer = setTimeout(() => rej(new Error(`server did not start:\n${out}`)), 180_000);
        const onData = (c: Buffer) => {
          out += c.toString();
          const m = /kdumpwatch-server listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            res({ proc, url: m[1].replace(/\/$/, "") });
          }
        };
        proc.stdout?.on("data", onData);
        proc.stderr?.on("data", onData);
        proc.once("exit", (code) => rej(new Error(`server exited ${code}:\n${out}`)));
      }),
  );
}

interface Run {
  firstRowsMs: number;
  countsMatchApi: boolean;
  firing: number;
  rowsInDom: number;
  elementsInDom: number;
  groupByCauseMs: number;
  nextPageMs: number;
  overviewApiMs: number | null;
  pageApiMs: number | null;
}

const PROBE = `(() => {
  const ready = () => document.querySelector('[data-testid=alert-row]') && /\\d/.test(document.querySelector('[data-testid=count-firing]')?.textContent ?? '');
  const mark = () => requestAnimationFrame(() => { window.__kdwPainted = performance.now(); });
  const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); mark(); } });
  document.addEventListener('DOMContentLoaded', () => { if (ready()) mark(); else obs.observe(document.body, { childList: true, subtree: true, characterData: true }); });
})();`;

async function measure(url: string, api: { firing: number; resolved: number }): Promise<Run[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const runs: Run[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.request.post(`${url}/api/session`, { data: { token: ADMIN_TOKEN } });
      await context.addInitScript(PROBE);
      const page = await context.newPage();
      await page.goto(`${url}/#/alerts`);
      await page.waitForFunction("window.__kdwPainted !== undefined", undefined, { timeout: 60_000 });
      const firstRowsMs = Math.round((await page.evaluate("window.__kdwPainted")) as number);
      const shown = (await page.locator("[data-testid=count-firing]").textContent())?.replace(/,/g, "") ?? "";
      const resolvedShown =
        (await page.locator("[data-testid=count-resolved]").textContent())?.replace(/,/g, "") ?? "";
      const dom = (await page.evaluate(`({
        rows: document.querySelectorAll('[data-testid=alert-row]').length,
        elements: document.getElementsByTagName('*').length,
        overview: (performance.getEntriesByType('resource').find((r) => new URL(r.name).pathname === '/api/alerts/overview') || {}).duration ?? null,
        page: (performance.getEntriesByType('resource').find((r) => new URL(r.name).pathname === '/api/alerts/page') || {}).duration ?? null,
      })`)) as { rows: number; elements: number; overview: number | null; page: number | null };

      // the next page: scroll until the list asks for it, time until its rows are there
      const loaded = async () =>
        Number(
          ((await page.locator("[data-testid=alerts-status]").textContent()) ?? "")
            .match(/([\d,]+) loaded/)?.[1]
            ?.replace(/,/g, "") ?? 0,
        );
      const before = await loaded();
      const t0 = Date.now();
      let after = before;
      while (after <= before && Date.now() - t0 < 30_000) {
        await page.mouse.wheel(0, 3000);
        await page.waitForTimeout(20);
        after = await loaded();
      }
      const nextPageMs = Date.now() - t0;

      const g0 = Date.now();
      await page.locator("[data-testid=group-cause]").click();
      await page.locator("[data-testid=alert-group]").first().waitFor();
      const groupByCauseMs = Date.now() - g0;

      const run: Run = {
        firstRowsMs,
        countsMatchApi: Number(shown) === api.firing && Number(resolvedShown) === api.resolved,
        firing: Number(shown),
        rowsInDom: dom.rows,
        elementsInDom: dom.elements,
        groupByCauseMs,
        nextPageMs,
        overviewApiMs: dom.overview === null ? null : Math.round(dom.overview),
        pageApiMs: dom.page === null ? null : Math.round(dom.page),
      };
      log(`run ${i + 1}/${RUNS}: ${JSON.stringify(run)}`);
      runs.push(run);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return runs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const scratch = mkdtempSync(join(tmpdir(), "kdw-bench-alerts-"));
let server: { proc: ChildProcess; url: string } | null = null;
const pg = values.postgres;
try {
  const started = Date.now();
  let env: Record<string, string>;
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  if (pg) {
    const dbUrl = await recreateDatabase(PG_DATABASE);
    handle = await openDatabase({ url: dbUrl });
    env = { DATABASE_URL: dbUrl };
  } else {
    const dataDir = join(scratch, "data");
    handle = await openDatabase({ dataDir });
    env = { KDUMPWATCH_DATA_DIR: dataDir };
  }
  try {
    await seedHosts(handle.db, { count: HOSTS, capturesDir: join(ROOT, "test/captures"), log });
    const seeded = await seedAlerts(handle.db, { resolved: 3 });
    log(
      `seeded ${HOSTS} hosts and ${seeded.firing} firing + ${seeded.resolved} resolved alerts in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  } finally {
    await handle.close();
  }
  server = await startServer(env);
  const list = (await fetch(`${server.url}/api/alerts?limit=10000`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  }).then((r) => r.json())) as { alerts: { state: string }[]; truncated: boolean };
  const api = {
    firing: list.alerts.filter((a) => a.state === "firing").length,
    resolved: list.alerts.filter((a) => a.state === "resolved").length,
  };
  const runs = await measure(server.url, api);
  process.stdout.write(
    `${JSON.stringify({
      bench: "dashboard-alerts",
      hosts: HOSTS,
      database: pg ? "postgresql" : "pglite",
      api: { ...api, truncated: list.truncated },
      runs: runs.length,
      firstRowsMs: { median: median(runs.map((r) => r.firstRowsMs)), all: runs.map((r) => r.firstRowsMs) },
      countsMatchApi: runs.every((r) => r.countsMatchApi),
      rowsInDom: median(runs.map((r) => r.rowsInDom)),
      elementsInDom: median(runs.map((r) => r.elementsInDom)),
      groupByCauseMs: median(runs.map((r) => r.groupByCauseMs)),
      nextPageMs: median(runs.map((r) => r.nextPageMs)),
      overviewApiMs: median(runs.flatMap((r) => (r.overviewApiMs === null ? [] : [r.overviewApiMs]))),
      pageApiMs: median(runs.flatMap((r) => (r.pageApiMs === null ? [] : [r.pageApiMs]))),
    })}\n`,
  );
} finally {
  if (server) {
    server.proc.kill("SIGTERM");
    await new Promise((r) => server?.proc.once("exit", r));
  }
  if (pg) await dropDatabase(PG_DATABASE);
  rmSync(scratch, { recursive: true, force: true });
}
