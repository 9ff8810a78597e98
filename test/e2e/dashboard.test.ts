/**
 * The dashboard end to end: the REAL built server (`apps/server/dist`, embedded PGlite in a temp
 * dir) serving the built dashboard (`apps/dashboard/dist`), REAL agents (`apps/agent/dist`) replaying
 * the capture directories of test/captures, and Debian's Chromium driven by playwright-core.
 * Screenshots of the fleet and host pages, light and dark, go to test/e2e/screenshots/.
 *
 * Each capture is copied to a temp dir and given its own /etc/hostname (the capture's name) and
 * /etc/machine-id, so every capture is one distinct host in the list; the judged evidence is
 * untouched, so each host must show the verdict its expected.json signs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { testNodeFlags } from "../node-flags.ts";
import { launchChromium, TEST_MOTION } from "./support/browser.ts";
import { copyTemplateInto } from "./support/pglite-copy.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const SERVER_BUNDLE = join(ROOT, "apps/server/dist/kdumpwatch-server.mjs");
const AGENT_BUNDLE = join(ROOT, "apps/agent/dist/kdumpwatch-agent.cjs");
const DASHBOARD_INDEX = join(ROOT, "apps/dashboard/dist/index.html");
const CAPTURES = join(ROOT, "test/captures");
const SHOTS = join(HERE, "screenshots");

const ADMIN_TOKEN = "kdw-e2e-admin-token-0123456789";
const ENROLL_TOKEN = "kdw-e2e-enroll-token-0123456789";
/** reported only after the fleet page is open: it must appear without a reload */
const LATE_CAPTURE = "ubuntu-2204-ready";
/** a not-ready host whose dmesg carries the kernel's own words for the failure */
const INVALID_SIZE = "ubuntu-2604-1g-invalid-size";
/** a copy of INVALID_SIZE whose kernel log carries markup */
const XSS_HOST = "xss-in-dmesg";
const XSS_LINE = `[    0.004700] crashkernel: probe <img src=x onerror="window.__kdwXss=1"> end`;

/** What the test reads in the page (test/ compiles without the DOM lib; casts vanish when sent). */
interface InPage {
  location: { hash: string };
  __kdwXss?: unknown;
  __kdwSamePage?: boolean;
}

interface Expected {
  verdict: "ready" | "at_risk" | "not_ready" | "unknown";
  failing?: string[];
}

function requireBuilt(path: string, how: string): void {
  if (!existsSync(path))
    throw new Error(`${path} is missing: build it first with \`${how}\` (CI builds before testing).`);
}

const scratch = mkdtempSync(join(tmpdir(), "kdw-e2e-dashboard-"));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === "object" ? res(addr.port) : rej(new Error("no port"))));
    });
  });
}

/**
 * The real server process; resolves with its URL once it prints its "listening" line. It runs on a
 * stepped test clock (apps/server/src/clock.ts), `clockAhead` seconds ahead of the system clock: a
 * restart continues the timeline advanceServerClock() moved forward.
 */
function startServer(
  port: number,
  dataDir: string,
): Promise<{ proc: ChildProcess; url: string; log: () => string }> {
  copyTemplateInto(dataDir); // the run's migrated PGlite directory, when the data dir has none yet
  const proc = spawn(process.execPath, [...testNodeFlags, SERVER_BUNDLE], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(port),
      HOST: "127.0.0.1",
      KDUMPWATCH_DATA_DIR: dataDir,
      KDUMPWATCH_ADMIN_TOKEN: ADMIN_TOKEN,
      KDUMPWATCH_ENROLL_TOKEN: ENROLL_TOKEN,
      KDUMPWATCH_TEST_CLOCK: clockAhead === 0 ? "stepped" : `stepped+${clockAhead}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const log = () => output;
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start within 150 s:\n${output}`)), 150_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /kdumpwatch-server listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        res({ proc, url: m[1].replace(/\/$/, ""), log });
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** How far the server's clock is ahead of the system clock, in seconds. */
let clockAhead = 0;

/** Moves the server's clock forward (POST /api/test/clock) instead of waiting for the time to pass. */
async function advanceServerClock(seconds: number): Promise<void> {
  const res = await fetch(`${server.url}/api/test/clock`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  clockAhead += seconds;
}

function stopServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const kill = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    proc.once("exit", () => {
      clearTimeout(kill);
      res();
    });
    proc.kill("SIGTERM");
  });
}

/** A copy of a capture standing for one distinct host named `name`. */
function hostCopy(capture: string, name: string): string {
  const dir = join(scratch, "hosts", name);
  cpSync(join(CAPTURES, capture), dir, { recursive: true });
  mkdirSync(join(dir, "etc"), { recursive: true });
  writeFileSync(join(dir, "etc/hostname"), `${name}\n`);
  writeFileSync(join(dir, "etc/machine-id"), `${createHash("md5").update(name).digest("hex")}\n`);
  return dir;
}

/** `run --once`: one snapshot, acked, exit 0. */
function report(url: string, name: string, root: string, token = ENROLL_TOKEN): Promise<void> {
  return new Promise((res, rej) => {
    const args = [AGENT_BUNDLE, "run", "--once", "--server", url, "--enroll-token", token];
    args.push("--state-dir", join(scratch, "state", name), "--root", root);
    const proc = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" },
    });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) res();
      else rej(new Error(`agent for ${name} exited ${code}:\n${out}`));
    });
  });
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

// captures whose signed verdict the core does not reach yet are listed in PENDING.json (see
// check-captures.test.ts); the dashboard must show each host's expected verdict, so they stay out
const pendingCaptures = existsSync(join(CAPTURES, "PENDING.json"))
  ? Object.keys(JSON.parse(readFileSync(join(CAPTURES, "PENDING.json"), "utf8")) as Record<string, string>)
  : [];
const captures = existsSync(CAPTURES)
  ? readdirSync(CAPTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(CAPTURES, d.name, "expected.json")))
      .map((d) => d.name)
      .filter((name) => !pendingCaptures.includes(name))
      .sort()
  : [];
const expected = new Map<string, Expected>(
  captures.map((c) => [c, JSON.parse(readFileSync(join(CAPTURES, c, "expected.json"), "utf8")) as Expected]),
);
const initial = captures.filter((c) => c !== LATE_CAPTURE);

let server: { proc: ChildProcess; url: string; log: () => string };
let port: number;
let dataDir: string;
let browser: Browser;
let page: Page;
/** when the first hosts had all reported; the late one reports over a minute later (see test 6) */
let initialReportedAt = 0;
/** uncaught exceptions in the page, over the whole run */
const pageErrors: string[] = [];

async function shoot(name: string, scheme: "light" | "dark"): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  // let the chart redraw with the theme's colours
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`) });
}

async function openFleet(hash = "#/"): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as InPage).location.hash = h;
  }, hash);
  await page.locator("[data-testid=fleet-share]").waitFor();
}

async function rowFor(hostname: string) {
  return page.locator(`[data-testid=host-row][data-hostname="${hostname}"]`);
}

beforeAll(async () => {
  requireBuilt(SERVER_BUNDLE, "pnpm --filter @kdumpwatch/server build");
  requireBuilt(AGENT_BUNDLE, "pnpm --filter @kdumpwatch/agent build");
  requireBuilt(DASHBOARD_INDEX, "pnpm --filter @kdumpwatch/dashboard build");
  expect(captures, "test/captures holds the capture directories").toContain(INVALID_SIZE);
  expect(captures).toContain(LATE_CAPTURE);
  mkdirSync(SHOTS, { recursive: true });

  port = await freePort();
  dataDir = join(scratch, "data");
  server = await startServer(port, dataDir);

  browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    colorScheme: "light",
    reducedMotion: TEST_MOTION,
  });
  page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
});

afterAll(async () => {
  await browser?.close();
  if (server) await stopServer(server.proc);
  rmSync(scratch, { recursive: true, force: true });
});

describe("dashboard against the real server and agents", () => {
  test("signing in: a wrong token is refused with a hint, the admin token opens the (empty) fleet", async () => {
    await page.goto(`${server.url}/`);
    await page.locator("[data-testid=token]").fill("not-the-token");
    await page.locator("[data-testid=sign-in]").click();
    await expect.poll(() => page.locator("#signin-error").textContent()).toContain("not accepted");

    await page.locator("[data-testid=token]").fill(ADMIN_TOKEN);
    await page.locator("[data-testid=sign-in]").click();
    // no agent has reported yet: the page says what to do
    const empty = page.getByText("No hosts yet — enroll one");
    await empty.waitFor();
    const cookies = await page.context().cookies();
    expect(
      cookies.find((c) => c.httpOnly),
      "the session is an HttpOnly cookie",
    ).toBeDefined();
    expect(await page.locator("a", { hasText: "Enroll a host" }).count()).toBeGreaterThan(0);
  });

  test("hosts reporting while the page is open fill it in; each shows the verdict its capture expects", async () => {
    const xss = hostCopy(INVALID_SIZE, XSS_HOST);
    appendFileSync(join(xss, "sos_commands/kernel/dmesg"), `${XSS_LINE}\n`);
    await report(server.url, XSS_HOST, xss);
    await inBatches(initial, 4, (c) => report(server.url, c, hostCopy(c, c)));
    initialReportedAt = Date.now();

    const hosts = [XSS_HOST, ...initial];
    await expect
      .poll(() => page.locator("[data-testid=host-row]").count(), { timeout: 20_000 })
      .toBe(hosts.length);
    // every agent exited after its ack (so after its commit), but a row can be on the page from the
    // enrollment event a moment before its verdict arrives on the live feed: wait for each verdict
    for (const c of initial) {
      const row = await rowFor(c);
      await expect
        .poll(() => row.getAttribute("data-verdict"), { message: `verdict of ${c}`, timeout: 15_000 })
        .toBe(expected.get(c)?.verdict);
    }
    // the counts agree with the rows
    const notReady = initial.filter((c) => expected.get(c)?.verdict === "not_ready").length + 1;
    await expect
      .poll(() => page.locator("[data-testid=count-not_ready] .n").textContent())
      .toBe(String(notReady));
    // worst first by default
    const firstVerdict = await page.locator("[data-testid=host-row]").first().getAttribute("data-verdict");
    expect(firstVerdict).toBe("not_ready");
  });

  test("a failing check from 'failing most' filters the list, survives a reload, and exports the same view", async () => {
    // "failing most" ranks root causes first: crashkernel.param is one on two captures
    const check = "crashkernel.param";
    await page.locator(`[data-testid=top-check][href*="check=${check}"]`).click();
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as InPage).location.hash))
      .toContain(`check=${encodeURIComponent(check)}`);

    const mustShow = initial.filter((c) => expected.get(c)?.failing?.includes(check));
    expect(mustShow.length, "some captures fail crashkernel.param").toBeGreaterThan(1);
    const listed = () =>
      page.locator("[data-testid=host-row]").evaluateAll((rows) =>
        rows.map((r) => ({
          name: r.getAttribute("data-hostname"),
          failing: r.getAttribute("data-failing") ?? "",
        })),
      );
    // wait for the filtered page: every row fails the check, and every capture that must, is there
    await expect
      .poll(async () => {
        const rows = await listed();
        return (
          rows.every((r) => r.failing.split(" ").includes(check)) &&
          mustShow.every((c) => rows.some((r) => r.name === c))
        );
      })
      .toBe(true);
    const shown = (await listed()).length;
    expect(shown, "hosts that pass the check are filtered out").toBeLessThan(initial.length);

    // the filter lives in the URL: a reload (or a shared link) opens the same view
    const reloadedAt = Date.now();
    await page.reload();
    await page.locator("[data-testid=host-row]").first().waitFor();
    expect(await page.locator("[data-testid=host-row]").count()).toBe(shown);
    // the readiness chart starts from the server's history (transitions), from before the page loaded
    const chartFrom = () => page.locator("[data-testid=readiness-chart]").getAttribute("data-from");
    await expect.poll(async () => Date.parse((await chartFrom()) ?? "") < reloadedAt).toBe(true);
    expect(await page.locator("[data-testid=filter-check]").inputValue()).toBe(check);

    const csvHref = await page.locator("[data-testid=csv]").getAttribute("href");
    expect(csvHref).toBe(`/api/hosts.csv?check=${check}&sort=-verdict`);
    const csv = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
    }, csvHref ?? "");
    expect(csv.status, csv.text).toBe(200);
    expect(csv.text.trim().split("\n"), "header plus one line per shown host").toHaveLength(shown + 1);
  });

  test("a not-ready host shows the evidence line as the host printed it, and the fix with a copy button", async () => {
    await openFleet("#/");
    await (await rowFor(INVALID_SIZE)).locator("th a").click();
    await page.locator("[data-testid=host-name]").waitFor();
    expect(await page.locator("[data-testid=host-name]").textContent()).toBe(INVALID_SIZE);
    const evidence = page.locator("[data-testid=evidence]", { hasText: "crashkernel: invalid size" });
    await expect.poll(() => evidence.count()).toBeGreaterThan(0);
    const failing = page.locator('[data-testid=check][data-status="fail"]');
    expect(await failing.count()).toBeGreaterThan(0);
    const fix = failing.first().locator("[data-testid=remediation] li");
    expect(await fix.count(), "a failing check comes with its fix").toBeGreaterThan(0);
    expect(await fix.first().locator("button").textContent()).toContain("Copy");
    // the explainer marks the range entry that makes the kernel reject the whole value
    await expect.poll(() => page.locator("[data-testid=crashkernel-explainer] tr.invalid").count()).toBe(1);

    await shoot("host", "light");
    await shoot("host", "dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("text from a host is shown as text: markup in a kernel log line never becomes an element", async () => {
    await openFleet(`#/?q=${XSS_HOST}`);
    await (await rowFor(XSS_HOST)).locator("th a").click();
    await page.locator("[data-testid=host-name]").waitFor();
    await page.locator("details.raw > summary").click();
    const dmesg = page.locator("[data-testid=raw-sources] details", { hasText: "dmesg" }).first();
    await dmesg.locator("summary").click();
    await expect
      .poll(() => dmesg.locator("pre").textContent())
      .toContain('<img src=x onerror="window.__kdwXss=1">');
    expect(await page.locator("img").count(), "no <img> element anywhere on the page").toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as InPage).__kdwXss),
      "the handler never ran",
    ).toBeUndefined();
  });

  test("a token created on the Enroll page enrolls a host, which appears on the open fleet page without a reload", async () => {
    await page.locator("nav a", { hasText: "Enroll" }).click();
    await page.locator("[data-testid=create-token]").click();
    const secret = (await page.locator("[data-testid=token-secret] code").textContent())?.trim() ?? "";
    expect(secret.length, "the secret is shown once").toBeGreaterThan(10);
    const run = await page.locator("[data-testid=run-command] code").textContent();
    expect(run).toBe(`node kdumpwatch-agent.cjs run --server ${server.url} --enroll-token ${secret}`);
    expect(await page.locator("[data-testid=install-command] code").textContent()).toBe(
      `sudo ./install-agent.sh --server ${server.url} --enroll-token ${secret}`,
    );

    await openFleet("#/");
    await page.evaluate(() => {
      (globalThis as unknown as InPage).__kdwSamePage = true;
    });
    await expect
      .poll(() => page.locator("[data-testid=live-status]").getAttribute("data-status"))
      .toBe("open");
    expect(await (await rowFor(LATE_CAPTURE)).count()).toBe(0);

    // over a minute (the readiness history's finest step) after the first hosts on the server's
    // clock, so the fleet's history has a step of its own for the chart
    const wait = initialReportedAt + 65_000 - Date.now();
    if (wait > 0) await advanceServerClock(Math.ceil(wait / 1000));
    await report(server.url, LATE_CAPTURE, hostCopy(LATE_CAPTURE, LATE_CAPTURE), secret);
    const row = await rowFor(LATE_CAPTURE);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    // the row can appear with the enrollment (not judged yet: unknown) a moment before its first
    // snapshot's batch commits; its verdict then arrives on the same live feed, still without a reload
    await expect
      .poll(() => row.getAttribute("data-verdict"), { timeout: 10_000 })
      .toBe(expected.get(LATE_CAPTURE)?.verdict);
    expect(
      await page.evaluate(() => (globalThis as unknown as InPage).__kdwSamePage),
      "no reload happened",
    ).toBe(true);
    await expect
      .poll(() => page.locator("[data-testid=fleet-share]").textContent())
      .toContain(`of ${initial.length + 2} hosts`);
  });

  test("the readiness history counts the hosts minute by minute, and a fresh visit draws the chart from it", async () => {
    // from before the first report: nobody, the first hosts, then the late one (judged,
    // non-duplicate hosts; there are no duplicates here)
    const since = new Date(initialReportedAt - 180_000).toISOString();
    const totals = await page.evaluate(async (q) => {
      const body = (await (await fetch(`/api/fleet/history?since=${q}`)).json()) as {
        points: { ready: number; at_risk: number; not_ready: number; unknown: number }[];
      };
      return body.points.map((p) => p.ready + p.at_risk + p.not_ready + p.unknown);
    }, encodeURIComponent(since));
    expect(totals[0], `hosts three minutes before the first report: ${totals}`).toBe(0);
    expect(totals, "the first hosts alone, for over a minute").toContain(initial.length + 1);
    expect(totals.at(-1), "and then the late one").toBe(initial.length + 2);
    expect(totals, "hosts only join").toEqual([...totals].sort((a, b) => a - b));

    // a fresh visit draws the chart from that history alone, zoomed in on this young fleet
    await page.reload();
    const chart = page.locator("[data-testid=readiness-chart]");
    const chartFrom = async () => Date.parse((await chart.getAttribute("data-from")) ?? "");
    await expect
      .poll(chartFrom, { message: "the chart starts before the hosts reported (not when the page opened)" })
      .toBeLessThan(initialReportedAt);
    expect(await chartFrom(), "a closer look than a week").toBeGreaterThan(initialReportedAt - 300_000);
    expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThanOrEqual(3);

    await shoot("fleet", "light");
    await shoot("fleet", "dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  test("when the server goes away the page says so, and recovers by itself when it is back", async () => {
    await openFleet("#/");
    await stopServer(server.proc);
    await page.locator("[data-testid=live-banner]").waitFor({ timeout: 15_000 });
    expect(await page.locator("[data-testid=live-banner]").textContent()).toContain(
      "Live updates disconnected",
    );

    server = await startServer(port, dataDir);
    // the page retries with capped backoff (≤ 30 s between tries)
    await page.locator("[data-testid=live-banner]").waitFor({ state: "detached", timeout: 90_000 });
    expect(await page.locator("[data-testid=live-status]").getAttribute("data-status")).toBe("open");
    expect(await page.locator("[data-testid=host-row]").count()).toBe(initial.length + 2);
  });

  test("no script error was thrown in the page during the whole run", () => {
    expect(pageErrors).toEqual([]);
  });
});
