/**
 * Debian's Chromium through playwright-core for the dashboard tests (not a test file): launching
 * it, signing a context in, running axe-core (from npm, injected into the page) and printing what
 * it finds, screenshots, and serving the dashboard under a strict Content-Security-Policy.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { requireBuilt } from "./server-process.ts";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SHOTS = join(dirname(fileURLToPath(import.meta.url)), "../screenshots");

export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  desktop: { width: 1920, height: 1080 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export async function launchChromium(): Promise<Browser> {
  requireBuilt(CHROMIUM, "apt-get install -y chromium");
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * The test browsers ask for reduced motion, as an operator may: every live verdict change runs a 4 s
 * row-flash animation otherwise, which was most of Chromium's CPU per update (docs/testing.md,
 * "ReadinessChart keeps its chart"). The row is still marked (`.flash`); only the animation is off
 * (app.css), and dashboard-views checks both sides of that media query.
 */
export const TEST_MOTION = "reduce" as const;

/** A context signed in with the admin token (the session cookie, as the sign-in page gets it). */
export async function signedIn(
  browser: Browser,
  url: string,
  token: string,
  options: { viewport?: { width: number; height: number }; colorScheme?: "light" | "dark" } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.viewport ?? VIEWPORTS.laptop,
    colorScheme: options.colorScheme ?? "light",
    reducedMotion: TEST_MOTION,
  });
  const res = await context.request.post(`${url}/api/session`, { data: { token } });
  if (!res.ok()) throw new Error(`sign-in failed: HTTP ${res.status()}`);
  return context;
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page as it is and prints one line
 * per finding, so the test output shows what was checked and what was found.
 */
export async function runAxe(page: Page, label: string): Promise<AxeFinding[]> {
  // evaluated through the DevTools protocol, not as an inline <script>: the dashboard's own
  // Content Security Policy (no inline script) stays in force for the page under test. Once per
  // document: the dashboard's pages are hash routes of one document, and compiling axe's 500 kB
  // again for each of them cost Chromium ~0.25 s of CPU a page
  if ((await page.evaluate("typeof window.axe")) !== "object") await page.evaluate(AXE_SOURCE);
  const findings = (await page.evaluate(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  })()`)) as AxeFinding[];
  const serious = findings.filter((f) => f.impact === "serious" || f.impact === "critical").length;
  const lines = findings.map((f) => `    ${f.impact} ${f.id}: ${f.help} — ${f.targets.join(" | ")}`);
  process.stdout.write(
    `axe ${label}: ${findings.length} violation(s), ${serious} serious or critical\n${lines.join("\n")}${lines.length ? "\n" : ""}`,
  );
  return findings;
}

export const seriousOnly = (f: readonly AxeFinding[]) =>
  f.filter((x) => x.impact === "serious" || x.impact === "critical");

/** The strict policy the dashboard must work under: no inline script or style, no eval. */
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Serves every document of the context with STRICT_CSP added (whatever the server sends), and
 * records each CSP violation the page reports in `window.__kdwCsp`.
 */
export async function enforceStrictCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(`(() => {
    window.__kdwCsp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__kdwCsp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
    });
  })();`);
  await context.route("**/*", async (route) => {
    if (route.request().resourceType() !== "document") return route.continue();
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: { ...response.headers(), "content-security-policy": STRICT_CSP },
    });
  });
}
