/**
 * The dashboard's fleet-scale views in Debian's Chromium, against the REAL built server (PGlite in
 * a temp dir, alerts firing without a hold) and REAL agents replaying test/captures: the Alerts
 * page from the server, change over time, context (counts, URL state, "failing most"), fixes and
 * bulk silences, accessibility (axe-core in light and dark on every page, keyboard, live region),
 * density and small screens, and a strict Content-Security-Policy. Screenshots at 1280×800,
 * 1920×1080 and 390×844, light and dark, go to test/e2e/screenshots/.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AgentProcess, copyCapture, killAllAgents, machineIdFor, readExpected } from "./support/agents.ts";
import {
  enforceStrictCsp,
  launchChromium,
  runAxe,
  SHOTS,
  seriousOnly,
  signedIn,
  TEST_MOTION,
  VIEWPORTS,
  type ViewportName,
} from "./support/browser.ts";
import { inBatches } from "./support/polling.ts";
import {
  capturesDir,
  killAllServers,
  removeTempDirs,
  repo,
  requireBuilt,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const ADMIN = "kdw-e2e-views-admin-0123456789";
const ENROLL = "kdw-e2e-views-enroll-0123456789";
/** a host that is ready first and loses its crashkernel= later: a verdict move with a why */
const FLAPPER = "flapper-1";

let server: ServerProcess;
let url: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const stateDir = tempDir("kdw-views-state-");

const captures = readdirSync(capturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

async function report(capture: string, hostname: string): Promise<void> {
  const root = copyCapture(capture, hostname, machineIdFor(hostname, 1));
  const agent = AgentProcess.once({
    server: url,
    root,
    stateDir: join(stateDir, hostname),
    enrollToken: ENROLL,
  });
  const exit = await agent.exit;
  if (exit.code !== 0) throw new Error(`agent for ${hostname} exited ${exit.code}:\n${agent.output}`);
}

/** The same host (same state dir, so the same credential) reporting another capture. */
async function reportAgain(capture: string, hostname: string): Promise<void> {
  const root = copyCapture(capture, hostname, machineIdFor(hostname, 1));
  const agent = AgentProcess.once({ server: url, root, stateDir: join(stateDir, hostname) });
  const exit = await agent.exit;
  if (exit.code !== 0) throw new Error(`agent for ${hostname} exited ${exit.code}:\n${agent.output}`);
}

async function open(hash: string, ready = "main h1"): Promise<void> {
  await page.goto(`${url}/${hash}`);
  try {
    await page.locator(ready).first().waitFor({ timeout: 20_000 });
  } catch (err) {
    const text = (await page.locator("main").textContent()) ?? "";
    throw new Error(`${hash}: ${ready} did not show; the page says:\n${text.slice(0, 500)}`, { cause: err });
  }
}

const hash = () =>
  page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);

beforeAll(async () => {
  requireBundles();
  requireBuilt(join(repo, "apps/dashboard/dist/index.html"), "pnpm --filter @kdumpwatch/dashboard build");
  server = await ServerProcess.started({
    adminToken: ADMIN,
    enrollToken: ENROLL,
    env: { KDUMPWATCH_DATA_DIR: join(tempDir("kdw-views-data-"), "data"), KDUMPWATCH_ALERT_HOLD: "0" },
  });
  url = await server.url();
  await inBatches(captures, 4, (c) => report(c, c));
  await report("ubuntu-2204-ready", FLAPPER);
  browser = await launchChromium();
  context = await signedIn(browser, url, ADMIN);
  page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${url}/#/`);
  await page.locator("[data-testid=host-row]").first().waitFor();
});

afterAll(async () => {
  await browser?.close();
  await killAllAgents();
  await killAllServers();
  removeTempDirs();
});

describe("the dashboard's fleet-scale views in Chromium", () => {
  test("the Alerts page shows the API's numbers, groups by check and by root cause, and keeps its view in the URL", async () => {
    const api = (await server.api("/api/alerts?limit=10000")) as {
      alerts: { state: string; check: string; silencedBy: string[] }[];
    };
    const firing = api.alerts.filter((a) => a.state === "firing").length;
    expect(firing, "the captures make critical alerts").toBeGreaterThan(5);
    await open("#/alerts", "[data-testid=alert-row]");
    await expect.poll(() => page.locator("[data-testid=count-firing]").textContent()).toBe(String(firing));
    expect(await page.locator("[data-testid=alerts-status]").textContent()).toContain(`${firing} match`);

    await page.locator("[data-testid=group-cause]").click();
    await page.locator("[data-testid=alert-group]").first().waitFor();
    expect(await hash()).toBe("#/alerts?group=cause");
    const causes = await page
      .locator("[data-testid=alert-group]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")));
    // the groups are the server's root causes: tools-not-installed's four critical alerts are one
    // cause, and a host without crashkernel= has its unloaded kernel filed under that cause
    const rows = (
      (await server.api("/api/alerts/page?state=open&limit=500")) as {
        alerts: { hostname: string; check: string; cause: string }[];
      }
    ).alerts;
    expect([...causes].sort()).toEqual([...new Set(rows.map((r) => r.cause))].sort());
    expect(causes).toContain("kdump.tools-installed");
    const noCrashkernel = rows.find(
      (r) => r.hostname === "ubuntu-2204-no-crashkernel" && r.check === "kdump.loaded",
    );
    expect(noCrashkernel?.cause, "a consequence is filed under its root cause").toBe("crashkernel.param");
    await page.locator('[data-testid=alert-group][data-key="crashkernel.param"] th a').click();
    await expect.poll(hash).toBe("#/alerts?cause=crashkernel.param");
    const rowCauses = () =>
      page.locator("[data-testid=alert-row]").evaluateAll((r) => r.map((x) => x.getAttribute("data-cause")));
    await expect.poll(async () => [...new Set(await rowCauses())]).toEqual(["crashkernel.param"]);
    const shown = (await rowCauses()).length;
    await page.reload();
    await page.locator("[data-testid=alert-row]").first().waitFor();
    expect(await page.locator("[data-testid=alert-row]").count(), "the view survives a reload").toBe(shown);
  });

  test("change over time: the feed says which host moved, when and why; the since column and the changed filter find it", async () => {
    await reportAgain("ubuntu-2204-no-crashkernel", FLAPPER);
    await open("#/changes", "[data-testid=change-row]");
    const row = page.locator(`[data-testid=change-row][data-hostname="${FLAPPER}"][data-to="not_ready"]`);
    await row.waitFor();
    expect(await row.locator(".why").textContent()).toContain("+crashkernel.param");
    expect(await row.locator(".move").textContent()).toMatch(/Ready\s*→\s*Not ready/);
    expect(await page.locator("[data-testid=changes-status]").textContent()).toMatch(/1 worse/);

    await open(`#/?changed=24h&q=${FLAPPER}`, `[data-testid=host-row][data-hostname="${FLAPPER}"]`);
    expect(await page.locator("[data-testid=filter-changed]").inputValue()).toBe("24h");
    expect(
      await page.locator(`[data-testid=host-row][data-hostname="${FLAPPER}"] .c-since`).textContent(),
    ).toMatch(/just now|min ago/);
  });

  test("the chart has a tooltip, a time range and a click-through to the hosts behind a point", async () => {
    await open("#/", "[data-testid=readiness-chart] canvas");
    const chart = page.locator("[data-testid=readiness-chart]");
    // uPlot lays its plot area out after the canvas appears: wait for it rather than race it
    await chart.locator(".u-over").waitFor({ state: "visible" });
    // the right edge is now; the bottom of the stack is the ready band. The plot can still move
    // while the page settles (the host list's scroll bar narrows it): hover again each poll
    let nudge = 0;
    await expect
      .poll(
        async () => {
          const box = await chart.locator(".u-over").boundingBox();
          if (!box) return null;
          nudge = (nudge + 1) % 3;
          await page.mouse.move(box.x + box.width - 3 - nudge, box.y + box.height - 3);
          return page
            .locator("[data-testid=chart-tip]")
            .textContent({ timeout: 1000 })
            .catch(() => null);
        },
        { timeout: 20_000 },
      )
      .toMatch(/Ready \d+/);
    // a live update redraws the one chart in place (setData): the same canvas, the tooltip still
    // under the resting mouse, now with the host that turned ready counted (the page used to build a new uPlot,
    // and a new canvas, for every live summary and every 15 s)
    const readyNow = async () =>
      Number(/Ready (\d+)/.exec((await page.locator("[data-testid=chart-tip]").textContent()) ?? "")?.[1]);
    const readyBefore = await readyNow();
    const canvases = chart.locator("canvas");
    expect(await canvases.count(), "one uPlot canvas").toBe(1);
    await canvases.evaluate((c) => Object.assign(c, { kdwKept: true }));
    // the flapper (not ready since "change over time") reports ready: one more ready host
    await reportAgain("ubuntu-2204-ready", FLAPPER);
    await expect
      .poll(readyNow, {
        message: "the tip under the resting mouse counts the flapper as ready",
        timeout: 20_000,
      })
      .toBe(readyBefore + 1);
    expect(
      await page.locator("[data-testid=chart-tip]").isVisible(),
      "the tip stayed through the update",
    ).toBe(true);
    expect(await canvases.count()).toBe(1);
    expect(
      await canvases.evaluate((c) => (c as unknown as { kdwKept?: boolean }).kdwKept === true),
      "the chart drew the live update on the canvas it had",
    ).toBe(true);
    const before = await chart.getAttribute("data-from");
    await page.locator("[data-testid=range-7d]").click();
    await expect.poll(() => chart.getAttribute("data-from")).not.toBe(before);
    expect(Date.now() - Date.parse((await chart.getAttribute("data-from")) ?? "")).toBeGreaterThan(
      6.9 * 86_400_000,
    );
    const sevenDays = await chart.getAttribute("data-from");
    await page.locator("[data-testid=range-auto]").click();
    // the automatic range's columns replace the 7-day ones when they arrive: wait for them, so the
    // keys pick a moment of the columns the Enter below reads
    await expect.poll(() => chart.getAttribute("data-from")).not.toBe(sevenDays);
    // keyboard: focus the chart, pick the last moment and the not-ready band, Enter lists those hosts.
    // The mouse leaves the chart first: resting on it, it owns uPlot's cursor, and each live update
    // (setData) puts the tip back under the mouse, on the ready band, over the keys' choice. The
    // keys are pressed once: the chart is no longer built anew on each live update and every 15 s,
    // which dropped their choice (docs/testing.md, "ReadinessChart keeps its chart")
    await page.mouse.move(0, 0);
    await expect.poll(() => page.locator("[data-testid=chart-tip] .on").count()).toBe(0);
    // Escape drops any choice, Left then Right land on the last moment (the latest report), Up
    // three times on the top band (not ready)
    await chart.focus();
    for (const key of ["Escape", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowUp", "ArrowUp"]) {
      await page.keyboard.press(key);
    }
    await expect
      .poll(
        () =>
          page
            .locator("[data-testid=chart-tip] .on")
            .textContent({ timeout: 1000 })
            .catch(() => null),
        { timeout: 20_000 },
      )
      .toMatch(/Not ready/);
    await page.keyboard.press("Enter");
    await page.locator("[data-testid=at-row]").first().waitFor();
    expect(await hash()).toMatch(/^#\/changes\?at=.*&verdict=not_ready$/);
    const listed = await page
      .locator("[data-testid=at-row]")
      .evaluateAll((r) => r.map((x) => x.getAttribute("data-hostname")));
    const notReady = captures.filter((c) => readExpected(c).verdict === "not_ready");
    for (const c of notReady) expect(listed, `${c} was not ready then`).toContain(c);
    // the flapper back to not ready, as the remediation and live-region tests below expect it
    await reportAgain("ubuntu-2204-no-crashkernel", FLAPPER);
  });

  test("context: N match, the page in the URL, failing most following the filter, collection problems apart", async () => {
    await open("#/?verdict=at_risk", "[data-testid=match-count]");
    const atRisk = captures.filter((c) => readExpected(c).verdict === "at_risk").length;
    await expect
      .poll(() => page.locator("[data-testid=match-count]").textContent())
      .toBe(`${atRisk} match · page 1 of 1`);
    const top = await page
      .locator("[data-testid=top-check]")
      .evaluateAll((r) => r.map((x) => x.getAttribute("data-check")));
    expect(top, "only what the at-risk hosts fail").not.toContain("kdump.loaded");
    expect(top, "a collection problem is not ranked with the causes").not.toContain("collection.complete");
    expect(await page.locator("[data-testid=collection-problems]").textContent()).toMatch(
      /2 hosts send incomplete evidence/,
    );
    await page.locator("[data-testid=host-table] th button", { hasText: "Host" }).click();
    await expect.poll(hash).toBe("#/?verdict=at_risk&sort=hostname");
  });

  test("remediation: a fix group's script names its hosts quoted, and a bulk silence silences all of them", async () => {
    await open("#/fixes?check=crashkernel.param&family=debian", "[data-testid=fix-script]");
    const script = (await page.locator("[data-testid=fix-script]").textContent()) ?? "";
    expect(script).toContain("  'ubuntu-2204-no-crashkernel'");
    expect(script).toContain(`  '${FLAPPER}'`);
    expect(script).toContain("update-grub");
    await page.locator("a", { hasText: "Ansible" }).click();
    await expect
      .poll(() => page.locator("[data-testid=fix-script]").textContent())
      .toContain(`- "${FLAPPER}"`);

    const hosts = Number(await page.locator("[data-testid=fix-hosts]").textContent());
    await page.locator("[data-testid=bulk-silence] input").first().fill("grub fix rolling out");
    await page.locator("[data-testid=bulk-silence] button[type=submit]").click();
    await expect
      .poll(() => page.locator("[data-testid=bulk-result]").textContent())
      .toContain(`${hosts} hosts silenced`);
    const silences = (await server.api("/api/silences")) as { silences: { reason: string }[] };
    expect(silences.silences.filter((s) => s.reason === "grub fix rolling out")).toHaveLength(hosts);
    await open("#/alerts", "[data-testid=count-silenced]");
    await expect.poll(() => page.locator("[data-testid=count-silenced]").textContent()).not.toBe("0");
  });

  test("keyboard: the heading takes the focus after navigation, each host row is one tab stop, a filter applies on commit", async () => {
    await open("#/", "[data-testid=host-row]");
    await page.locator("nav a", { hasText: "Alerts" }).click();
    await expect.poll(() => page.evaluate("document.activeElement?.tagName")).toBe("H1");

    await open("#/", "[data-testid=host-row]");
    const rows = await page.locator("[data-testid=host-row]").count();
    const stops = await page
      .locator("[data-testid=host-table] tbody")
      .evaluate(
        (tb) =>
          [...tb.querySelectorAll("a, button, input, select, [tabindex]")].filter(
            (e) => (e as unknown as { tabIndex: number }).tabIndex >= 0,
          ).length,
      );
    expect(stops, "one tab stop per row").toBe(rows);

    const requests: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/hosts") requests.push(r.url());
    });
    const select = page.locator("[data-testid=filter-verdict]");
    await select.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowDown");
    await page.waitForTimeout(700);
    expect(requests, "no refetch while choosing with the arrow keys").toEqual([]);
    await page.keyboard.press("Enter");
    await expect.poll(() => requests.length).toBe(1);
    expect(await hash()).toMatch(/verdict=/);
  });

  test("a verdict change is announced in the polite live region and its row is marked for a moment", async () => {
    await open(`#/?q=${FLAPPER}`, `[data-testid=host-row][data-hostname="${FLAPPER}"]`);
    await reportAgain("ubuntu-2204-ready", FLAPPER);
    await expect
      .poll(() => page.locator("[data-testid=announcer]").textContent(), { timeout: 15_000 })
      .toContain(`${FLAPPER} is now ready (was not ready)`);
    expect(await page.locator("[data-testid=announcer]").getAttribute("aria-live")).toBe("polite");
    const row = page.locator(`[data-testid=host-row][data-hostname="${FLAPPER}"]`);
    await expect.poll(() => row.getAttribute("class")).toContain("flash");
    // the mark is an animation, which a reader who asked for reduced motion does not get (app.css):
    // a probe with the row's classes reads the computed animation under both preferences
    const animation = () =>
      page.evaluate(`(() => {
        const probe = document.createElement("div");
        probe.className = "flash";
        probe.appendChild(document.createElement("span"));
        document.body.appendChild(probe);
        const name = getComputedStyle(probe.firstElementChild).animationName;
        probe.remove();
        return name;
      })()`);
    expect(await animation(), "the test browser asks for reduced motion").toBe("none");
    await page.emulateMedia({ reducedMotion: "no-preference" });
    try {
      expect(await animation()).toBe("kdw-flash");
    } finally {
      await page.emulateMedia({ reducedMotion: TEST_MOTION });
    }
  });

  test("every page has no serious or critical axe-core violation, in light and in dark", async () => {
    const pages: [string, string, string][] = [
      ["fleet", "#/", "[data-testid=host-row]"],
      ["host", "#/hosts/", "[data-testid=check]"],
      ["alerts", "#/alerts", "[data-testid=alert-row]"],
      ["alerts-by-cause", "#/alerts?group=cause", "[data-testid=alert-group]"],
      ["changes", "#/changes", "[data-testid=change-row]"],
      ["hosts-at", "", "[data-testid=at-row]"],
      ["fixes", "#/fixes?check=crashkernel.param&family=debian", "[data-testid=fix-script]"],
      ["enroll", "#/enroll", "main h1"],
      ["not-found", "#/nowhere", "main h1"],
    ];
    const hostId = (
      (await server.api(`/api/hosts?q=ubuntu-2604-1g-invalid-size`)) as { hosts: { id: string }[] }
    ).hosts[0]?.id;
    const at = new Date(Date.now() - 1000).toISOString();
    const bad: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, h, ready] of pages) {
        const target =
          name === "host"
            ? `#/hosts/${hostId}`
            : name === "hosts-at"
              ? `#/changes?at=${at}&verdict=not_ready`
              : h;
        await open(target, ready);
        await page.waitForTimeout(300);
        for (const f of seriousOnly(await runAxe(page, `${name} (${scheme})`)))
          bad.push(`${name} ${scheme} ${f.id}`);
      }
    }
    // and the sign-in page, signed out
    const anon = await browser.newContext({ viewport: VIEWPORTS.laptop });
    const p = await anon.newPage();
    for (const scheme of ["light", "dark"] as const) {
      await p.emulateMedia({ colorScheme: scheme });
      await p.goto(`${url}/`);
      await p.locator("[data-testid=token]").waitFor();
      for (const f of seriousOnly(await runAxe(p, `sign-in (${scheme})`)))
        bad.push(`sign-in ${scheme} ${f.id}`);
    }
    await anon.close();
    await page.emulateMedia({ colorScheme: "light" });
    expect(bad).toEqual([]);
  });

  test("dense on a laptop, cards on a phone, no horizontal overflow down to 360 px; screenshots in light and dark", async () => {
    /** a signed-in page of the viewport's size; the shots of one viewport are taken on one page */
    const pageAt = async (vp: ViewportName) => {
      const ctx = await signedIn(browser, url, ADMIN, { viewport: VIEWPORTS[vp] });
      return { ctx, p: await ctx.newPage() };
    };
    const shoot = async (p: Page, name: string, hashTo: string, ready: string, vp: ViewportName) => {
      await p.goto(`${url}/${hashTo}`);
      await p.locator(ready).first().waitFor();
      await p.waitForTimeout(500);
      for (const scheme of ["light", "dark"] as const) {
        await p.emulateMedia({ colorScheme: scheme });
        await p.waitForTimeout(300);
        await p.screenshot({ path: join(SHOTS, `${name}-${vp}-${scheme}.png`) });
      }
    };
    const laptop = await pageAt("laptop");
    await shoot(laptop.p, "fleet", "#/", "[data-testid=host-row]", "laptop");
    // the list is on the first screen, one line per host, under a header that stays when scrolled
    const first = await laptop.p.locator("[data-testid=host-row]").first().boundingBox();
    expect(first && first.y + first.height, "the first host row is on the first screen").toBeLessThan(
      VIEWPORTS.laptop.height,
    );
    expect(first?.height, "a compact one-line row").toBeLessThanOrEqual(36);
    await laptop.p.mouse.wheel(0, 700);
    await laptop.p.waitForTimeout(300);
    const head = await laptop.p.locator("[data-testid=host-table] thead th").first().boundingBox();
    const bar = await laptop.p.locator("header.top").boundingBox();
    expect(bar?.y, "the top bar sticks").toBe(0);
    expect(head && bar && head.y - (bar.y + bar.height), "the column header sticks under it").toBeLessThan(2);
    await laptop.ctx.close();

    const hostId = (
      (await server.api(`/api/hosts?q=ubuntu-2604-1g-invalid-size`)) as { hosts: { id: string }[] }
    ).hosts[0]?.id;
    const shots: Record<ViewportName, [string, string, string][]> = { laptop: [], desktop: [], phone: [] };
    for (const [name, h, ready] of [
      ["fleet", "#/", "[data-testid=host-row]"],
      ["alerts", "#/alerts", "[data-testid=alert-row]"],
      ["changes", "#/changes", "[data-testid=change-row]"],
      ["fixes", "#/fixes?check=crashkernel.param&family=debian", "[data-testid=fix-script]"],
    ] as const) {
      for (const vp of ["desktop", "phone"] as const) shots[vp].push([name, h, ready]);
      if (name !== "fleet") shots.laptop.push([name, h, ready]);
    }
    for (const vp of ["laptop", "phone"] as const)
      shots[vp].push(["host", `#/hosts/${hostId}`, "[data-testid=check]"]);
    // one page per viewport, the three side by side (one's settling pauses, the fixed waits in
    // shoot, overlap with another's rendering); a page moves to the next shot by its hash route,
    // as a user does. A fresh context for each of the 13 shots cost Chromium a renderer start and
    // the dashboard's load each time (~1–2 s of CPU)
    await Promise.all(
      (Object.keys(shots) as ViewportName[]).map(async (vp) => {
        const { ctx, p } = await pageAt(vp);
        for (const [name, h, ready] of shots[vp]) await shoot(p, name, h, ready, vp);
        await ctx.close();
      }),
    );

    // a phone: host rows are cards, and nothing is wider than the screen down to 360 px
    for (const width of [390, 360]) {
      const ctx = await signedIn(browser, url, ADMIN, { viewport: { width, height: 780 } });
      const p = await ctx.newPage();
      for (const [h, ready] of [
        ["#/", "[data-testid=host-row]"],
        [`#/hosts/${hostId}`, "[data-testid=check]"],
        ["#/alerts", "[data-testid=alert-row]"],
        ["#/alerts?group=cause", "[data-testid=alert-group]"],
        ["#/changes", "[data-testid=change-row]"],
        ["#/fixes?check=crashkernel.param&family=debian", "[data-testid=fix-script]"],
        ["#/enroll", "main h1"],
      ] as const) {
        await p.goto(`${url}/${h}`);
        await p.locator(ready).first().waitFor();
        const overflow = await p.evaluate(
          "document.documentElement.scrollWidth - document.documentElement.clientWidth",
        );
        expect(overflow, `${h} at ${width} px`).toBe(0);
      }
      await p.goto(`${url}/#/`);
      const row = p.locator("[data-testid=host-row]").first();
      await row.waitFor();
      const display = await row.evaluate(
        (r) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(r)
            .display,
      );
      expect(display, "rows are cards").toBe("grid");
      const rowTop = (await row.boundingBox())?.y ?? Number.POSITIVE_INFINITY;
      expect(rowTop, "the list starts on the first screen").toBeLessThan(780);
      await ctx.close();
    }
  });

  test("every page works under a strict Content-Security-Policy (no inline script or style, no eval)", async () => {
    const ctx = await signedIn(browser, url, ADMIN);
    await enforceStrictCsp(ctx);
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`${url}/#/`);
    for (const [h, ready] of [
      ["#/", "[data-testid=readiness-chart] canvas"],
      ["#/alerts", "[data-testid=alert-row]"],
      ["#/changes", "[data-testid=change-row]"],
      ["#/fixes?check=crashkernel.param&family=debian", "[data-testid=fix-script]"],
      ["#/enroll", "main h1"],
    ] as const) {
      await p.evaluate((x) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = x;
      }, h);
      await p.locator(ready).first().waitFor();
    }
    const violations = (await p.evaluate("window.__kdwCsp")) as string[];
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  test("no script error was thrown in the page during the whole run", () => {
    expect(pageErrors).toEqual([]);
  });
});
