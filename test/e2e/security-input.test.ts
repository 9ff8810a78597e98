/**
 * Hostile input to the REAL server bundle over real HTTP (docs/security.md): every GET route of
 * the OpenAPI document (built from apps/server/src/openapi/route-table.ts) gets malformed values in
 * each of its parameters — bad numbers, dates PostgreSQL cannot hold, NUL bytes, broken percent
 * escapes, invalid UTF-8, forged cursors — and must answer with the one JSON error shape (or a
 * success), never a 5xx. Also: the security headers and Content Security Policy on the dashboard
 * and the API, and the maximum silence length. Build first: `pnpm -r build`.
 */
import { ApiErrorSchema, HOST_SORT_FIELDS } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AgentProcess, copyCapture } from "./support/agents.ts";
import { type HttpAnswer, httpFrom } from "./support/http-from.ts";
import {
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const ADMIN = "security-input-admin-secret-01";
const ENROLL = "security-input-enroll-token-01";
const auth = { authorization: `Bearer ${ADMIN}` };

let server: ServerProcess;
let url = "";
let hostId = "";

beforeAll(async () => {
  requireBundles();
  server = await ServerProcess.started({
    adminToken: ADMIN,
    enrollToken: ENROLL,
    env: { KDUMPWATCH_DATA_DIR: tempDir("kdw-sec-input-"), KDUMPWATCH_MAX_SILENCE_DAYS: "30" },
  });
  url = await server.url();
  // one real host, so that routes with an id and pages with rows run their whole query
  const agent = AgentProcess.once({
    server: url,
    root: copyCapture("ubuntu-2404-ready", "fuzz-host", "f0220f0220f0220f0220f0220f022001"),
    stateDir: tempDir("kdw-sec-input-state-"),
    enrollToken: ENROLL,
  });
  expect((await agent.exit).code, agent.output).toBe(0);
  const list = (await server.api("/api/hosts?q=fuzz-host")) as { hosts: { id: string }[] };
  hostId = list.hosts[0]?.id ?? "";
  expect(hostId).not.toBe("");
});

afterAll(async () => {
  await killAllServers();
  removeTempDirs();
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), "utf8").toString("base64url");

/** Already percent-encoded (or deliberately broken) query values. */
const RAW_VALUES = [
  "",
  "%20",
  "-1",
  "0",
  "1e309",
  "99999999999999999999999",
  "-99999999999999999999999",
  "NaN",
  "Infinity",
  "null",
  "true",
  "%5B%5D",
  "%7B%7D",
  "abc",
  "%",
  "%zz",
  "%00",
  "a%00b",
  "%ED%A0%80", // a lone surrogate, as UTF-8 bytes: not valid UTF-8
  "%C0%AF", // an overlong encoding
  "%FF%FE",
  "x".repeat(5000),
  "..%2F..%2Fetc%2Fpasswd",
  "'%3B%20select%20pg_sleep(5)%3B--",
  "%3Cscript%3E",
  "2026-13-45T99%3A99%3A99Z",
  "%2B275760-09-13T00%3A00%3A00.000Z",
  "-271821-04-20T00%3A00%3A00Z",
  "1",
  "9999-12-31T23%3A59%3A59Z",
  "0000-01-01",
  "1h",
  "99999999d",
  "bm90IGpzb24",
];

/** Cursors of every shape the server writes, with values PostgreSQL cannot take. */
const CURSOR_VALUES = [
  b64({ r: 1e300, t: "2026-01-01T00:00:00Z", i: 1 }),
  b64({ r: 1, t: "1", i: 1 }),
  b64({ r: 1, t: "2026-01-01T00:00:00Z", i: 1e300 }),
  b64({ r: 1, t: "+275760-09-13T00:00:00.000Z", i: 1 }),
  b64({ at: "1", id: 1 }),
  b64({ at: "2026-01-01T00:00:00Z", id: 1e300 }),
  b64({ at: "2026-01-01T00:00:00Z", id: -1e300 }),
  b64({ h: "\u0000", id: "\u0000" }),
  b64({ h: "\ud800", id: "x" }),
  b64({ s: "hostname", k: ["\u0000", "\u0000"] }),
  b64("just a string"),
  b64(null),
  b64([1, 2, 3]),
];

/** Host-list cursors for every sort the OpenAPI document lists, with hostile key values. */
function hostCursors(sorts: string[]): string[] {
  const keys: unknown[][] = [
    [1e300, "x"],
    ["1", "x"],
    ["\u0000", "x"],
    [true, "x"],
    [1e300, "1", "x"],
    ["+275760-09-13T00:00:00.000Z", "x"],
    [1e300, 1e300, "x"],
    ["1", "1", "x"],
  ];
  return sorts.flatMap((s) => keys.map((k) => b64({ s, k })));
}

interface OpenApiParameter {
  name: string;
  in: "query" | "path";
}

interface Probe {
  route: string;
  param: string;
  path: string;
}

function expectErrorShape(answer: HttpAnswer, probe: Probe): void {
  const where = `GET ${probe.path} (route ${probe.route}, parameter ${probe.param})`;
  expect(answer.status, `${where}: ${answer.body.slice(0, 300)}`).toBeLessThan(500);
  if (answer.status >= 400) {
    const parsed = ApiErrorSchema.safeParse(JSON.parse(answer.body));
    expect(parsed.success, `${where}: the one JSON error shape: ${answer.body.slice(0, 300)}`).toBe(true);
  }
}

describe("malformed parameters answer 400 (one JSON error shape), never 5xx", () => {
  test("every GET route of the OpenAPI document, every parameter, every hostile value", {
    timeout: 600_000,
  }, async () => {
    const doc = JSON.parse((await httpFrom(`${url}/api/openapi.json`)).body) as {
      paths: Record<string, { get?: { parameters?: OpenApiParameter[] } }>;
    };
    const probes: Probe[] = [];
    const sorts: string[] = [...HOST_SORT_FIELDS];
    const cursors = [...CURSOR_VALUES, ...hostCursors([...sorts, ...sorts.map((s) => `-${s}`)])];
    for (const [template, item] of Object.entries(doc.paths)) {
      const params = item.get?.parameters;
      if (!item.get || template === "/api/agent/ws") continue;
      const base = template.replace(/\{id\}/g, hostId);
      for (const p of params ?? []) {
        const values = p.name === "cursor" ? [...RAW_VALUES, ...cursors] : RAW_VALUES;
        for (const v of values) {
          if (p.in === "path") {
            probes.push({
              route: template,
              param: p.name,
              path: template.replace(`{${p.name}}`, v || "%20"),
            });
          } else {
            probes.push({ route: template, param: p.name, path: `${base}?${p.name}=${v}` });
          }
        }
        if (p.in === "query") {
          for (const v of ["1", "%00", "abc"]) {
            probes.push({
              route: template,
              param: `${p.name} (twice)`,
              path: `${base}?${p.name}=${v}&${p.name}=${v}`,
            });
          }
        }
      }
    }
    expect(probes.length).toBeGreaterThan(1000);
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < probes.length) {
        const probe = probes[next++]!;
        const answer = await httpFrom(`${url}${probe.path}`, { headers: auth });
        try {
          expectErrorShape(answer, probe);
        } catch (err) {
          failures.push((err as Error).message.split("\n")[0] ?? "");
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(failures.slice(0, 40), `${failures.length} of ${probes.length} probes failed`).toEqual([]);
    // nothing above was an unexpected error on the server either
    expect(server.output).not.toMatch(/"msg":"request failed"/);
  });
});

describe("security headers", () => {
  test.each(["/", "/api/fleet/summary", "/api/nope", "/healthz"])(
    "%s carries the CSP and the usual headers",
    async (path) => {
      const answer = await httpFrom(`${url}${path}`, { headers: auth });
      const h = answer.headers;
      const csp = String(h["content-security-policy"]);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ]) {
        expect(csp, `${path}: ${csp}`).toContain(directive);
      }
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(h["x-content-type-options"]).toBe("nosniff");
      expect(h["x-frame-options"]).toBe("DENY");
      expect(h["referrer-policy"]).toBe("no-referrer");
      expect(h["cross-origin-opener-policy"]).toBe("same-origin");
    },
  );
});

describe("silences have a maximum duration (KDUMPWATCH_MAX_SILENCE_DAYS, 30 here)", () => {
  const post = (path: string, body: unknown) =>
    httpFrom(`${url}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) });
  const in40Days = () => new Date(Date.now() + 40 * 86_400_000).toISOString();

  test.each([
    ["a duration beyond it", { duration: "31d" }],
    ["an end time beyond it", { expiresAt: in40Days() }],
    ["the protocol's own ceiling", { duration: "90d" }],
  ])("POST /api/silences with %s: 400", async (_label, when) => {
    const answer = await post("/api/silences", { matchers: { hostId }, reason: "forever", ...when });
    expect(answer.status, answer.body).toBe(400);
    const error = ApiErrorSchema.parse(JSON.parse(answer.body)).error;
    expect(error.message).toMatch(/at most 30 days/);
  });

  test("a bulk silence beyond it: 400; 30 days is accepted", async () => {
    const tooLong = await post("/api/silences/bulk", {
      hostIds: [hostId],
      reason: "forever",
      duration: "31d",
    });
    expect(tooLong.status, tooLong.body).toBe(400);
    const ok = await post("/api/silences", { matchers: { hostId }, reason: "maintenance", duration: "30d" });
    expect(ok.status, ok.body).toBe(201);
    const bulk = await post("/api/silences/bulk", {
      hostIds: [hostId],
      reason: "maintenance",
      duration: "720h",
    });
    expect(bulk.status, bulk.body).toBe(201);
  });
});
