/**
 * The dashboard works under the Content Security Policy the REAL server sends (apps/server/src/
 * app.ts; docs/security.md), in Debian's Chromium: no policy is injected by the test, the page is
 * served as an operator gets it. Signing in, the fleet, a host, alerts, changes, fixes and enroll
 * pages are visited; every CSP violation event and every console message about the policy is
 * collected, and there must be none. Build first: `pnpm -r build`.
 */
import type { Browser, ConsoleMessage } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AgentProcess, copyCapture } from "./support/agents.ts";
import { launchChromium } from "./support/browser.ts";
import {
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const ADMIN = "security-csp-admin-secret-0001";
const ENROLL = "security-csp-enroll-token-0001";

let server: ServerProcess;
let url = "";
let browser: Browser;

beforeAll(async () => {
  requireBundles();
  server = await ServerProcess.started({
    adminToken: ADMIN,
    enrollToken: ENROLL,
    env: { KDUMPWATCH_DATA_DIR: tempDir("kdw-sec-csp-") },
  });
  url = await server.url();
  const hosts: [string, string, string][] = [
    ["ubuntu-2404-ready", "csp-ready", "c5b0c5b0c5b0c5b0c5b0c5b0c5b0c501"],
    ["debian-12-sonic-202505-no-crashkernel", "csp-not-ready", "c5b0c5b0c5b0c5b0c5b0c5b0c5b0c502"],
  ];
  for (const [capture, hostname, machineId] of hosts) {
    const agent = AgentProcess.once({
      server: url,
      root: copyCapture(capture, hostname, machineId),
      stateDir: tempDir("kdw-sec-csp-state-"),
      enrollToken: ENROLL,
    });
    expect((await agent.exit).code, agent.output).toBe(0);
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await killAllServers();
  removeTempDirs();
});

describe("the dashboard under the server's own Content Security Policy", () => {
  test("signing in and every page: no CSP violation, no policy error in the console, no page error", async () => {
    const context = await browser.newContext();
    await context.addInitScript(`(() => {
      window.__kdwCsp = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__kdwCsp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
      });
    })();`);
    const page = await context.newPage();
    const consoleCsp: string[] = [];
    const pageErrors: string[] = [];
    page.on("console", (m: ConsoleMessage) => {
      if (/content security policy|refused to/i.test(m.text())) consoleCsp.push(m.text());
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));

    const response = await page.goto(`${url}/`);
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy, "the server sends the policy with the page").toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");

    await page.locator("[data-testid=token]").fill(ADMIN);
    await page.locator("[data-testid=sign-in]").click();
    await page.locator("[data-testid=host-row]").first().waitFor({ timeout: 30_000 });

    await page.locator("[data-testid=host-row] th a").first().click();
    await page.locator("[data-testid=host-name]").waitFor({ timeout: 30_000 });
    for (const [hash, ready] of [
      ["#/", "[data-testid=readiness-chart] canvas"],
      ["#/alerts", "main h1"],
      ["#/changes", "main h1"],
      ["#/fixes", "main h1"],
      ["#/enroll", "main h1"],
    ] as const) {
      await page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, hash);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
    }
    // give late styles, charts and the live stream a moment to trip the policy
    await page.waitForTimeout(1000);
    const violations = (await page.evaluate("window.__kdwCsp")) as string[];
    expect(violations, "securitypolicyviolation events").toEqual([]);
    expect(consoleCsp, "console messages about the policy").toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  test("an inline script is refused: the policy is really enforced (the check above could fail)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleCsp: string[] = [];
    page.on("console", (m: ConsoleMessage) => {
      if (/content security policy/i.test(m.text())) consoleCsp.push(m.text());
    });
    await page.goto(`${url}/`);
    const ran = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: {
            createElement(t: string): { textContent: string };
            body: { appendChild(n: unknown): void };
          };
        }
      ).document;
      const s = d.createElement("script");
      s.textContent = "window.__inlineRan = true";
      d.body.appendChild(s);
      return (globalThis as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(ran, "an injected inline script must not run").toBe(false);
    await page.waitForTimeout(200);
    expect(consoleCsp.length, "Chromium reports the refusal").toBeGreaterThan(0);
    await context.close();
  });
});
