/**
 * Authentication that resists guessing (docs/security.md), against the REAL server bundle over
 * real HTTP: wrong bearers and logins throttled per client address (each 127.0.0.x a distinct
 * client) and per account with 429 + Retry-After and logged with the address; a short admin
 * secret refused at start (exit 78); rotating the admin secret — a new KDUMPWATCH_ADMIN_TOKEN or
 * `admin-token reset` — ends the sessions opened with the old one; a generated admin token is
 * printed once and appears nowhere else in the output. Build first: `pnpm -r build`.
 */
import { spawnSync } from "node:child_process";
import { ApiErrorSchema } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type HttpAnswer, httpFrom } from "./support/http-from.ts";
import {
  freePort,
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  serverCommand,
  tempDir,
} from "./support/server-process.ts";

const ADMIN = "security-auth-admin-secret-0001";
const PER_CLIENT = 5;
const PER_ACCOUNT = 14;
const WINDOW_SEC = 600;

afterAll(async () => {
  await killAllServers();
  removeTempDirs();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectThrottled(answer: HttpAnswer, what: string): void {
  expect(answer.status, `${what}: ${answer.body}`).toBe(429);
  const retryAfter = Number(answer.headers["retry-after"]);
  expect(retryAfter, `${what}: Retry-After`).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SEC);
  expect(ApiErrorSchema.parse(JSON.parse(answer.body)).error.code).toBe("rate_limited");
}

/** The cookie pair of a successful login (`kdw_session=…`). */
function sessionCookie(answer: HttpAnswer): string {
  const set = answer.headers["set-cookie"]?.[0] ?? "";
  const pair = set.split(";")[0] ?? "";
  expect(pair, `a session cookie: ${answer.body}`).toMatch(/^kdw_session=kdws_/);
  return pair;
}

describe("guessing the admin secret is throttled per client and per account", () => {
  let server: ServerProcess;
  let url = "";
  const guesses: string[] = [];
  const guess = () => {
    const g = `wrong-guess-${guesses.length.toString().padStart(4, "0")}-abcdefgh`;
    guesses.push(g);
    return g;
  };
  let cookie = "";

  beforeAll(async () => {
    requireBundles();
    server = await ServerProcess.started({
      adminToken: ADMIN,
      env: {
        KDUMPWATCH_DATA_DIR: tempDir("kdw-sec-auth-"),
        KDUMPWATCH_AUTH_FAILURES_PER_CLIENT: String(PER_CLIENT),
        KDUMPWATCH_AUTH_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
        KDUMPWATCH_AUTH_FAILURE_WINDOW: String(WINDOW_SEC),
      },
    });
    url = await server.url();
    // a dashboard user signed in before any attack
    const login = await httpFrom(`${url}/api/session`, {
      method: "POST",
      body: JSON.stringify({ token: ADMIN }),
      localAddress: "127.0.0.8",
    });
    cookie = sessionCookie(login);
  });

  test("wrong bearers from one address: 401 until the budget is spent, then 429 with Retry-After even for the right token; other addresses are unaffected", async () => {
    const from = "127.0.0.2";
    for (let i = 0; i < PER_CLIENT; i++) {
      const a = await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(guess()), localAddress: from });
      expect(a.status, `guess ${i + 1}: ${a.body}`).toBe(401);
    }
    expectThrottled(
      await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(guess()), localAddress: from }),
      "one more guess",
    );
    expectThrottled(
      await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(ADMIN), localAddress: from }),
      "the right token from the throttled address is not even checked",
    );
    const other = await httpFrom(`${url}/api/fleet/summary`, {
      headers: bearer(ADMIN),
      localAddress: "127.0.0.3",
    });
    expect(other.status, other.body).toBe(200);

    await server.waitFor(/authentication failed/, 5000, PER_CLIENT);
    const lines = server.output.split("\n").filter((l) => l.includes("authentication failed"));
    expect(
      lines.some((l) => l.includes('"client":"127.0.0.2"') && l.includes('"kind":"bearer"')),
      lines.join("\n"),
    ).toBe(true);
  });

  test("wrong logins (POST /api/session) are throttled the same way", async () => {
    const from = "127.0.0.4";
    for (let i = 0; i < PER_CLIENT; i++) {
      const a = await httpFrom(`${url}/api/session`, {
        method: "POST",
        body: JSON.stringify({ token: guess() }),
        localAddress: from,
      });
      expect(a.status, a.body).toBe(401);
    }
    expectThrottled(
      await httpFrom(`${url}/api/session`, {
        method: "POST",
        body: JSON.stringify({ token: ADMIN }),
        localAddress: from,
      }),
      "login from the throttled address",
    );
    expect(server.output).toMatch(
      /"client":"127\.0\.0\.4".*"kind":"login"|"kind":"login".*"client":"127\.0\.0\.4"/,
    );
  });

  test("guesses spread over many addresses still exhaust the admin account's budget; an open session keeps working", async () => {
    // 2 × PER_CLIENT failures so far; spread the rest so that no address reaches its own limit
    let spent = 2 * PER_CLIENT;
    let host = 10;
    while (spent < PER_ACCOUNT) {
      const from = `127.0.0.${host++}`;
      for (let i = 0; i < PER_CLIENT - 1 && spent < PER_ACCOUNT; i++, spent++) {
        const a = await httpFrom(`${url}/api/fleet/summary`, {
          headers: bearer(guess()),
          localAddress: from,
        });
        expect(a.status, `${from}: ${a.body}`).toBe(401);
      }
    }
    const fresh = `127.0.0.${host}`;
    expectThrottled(
      await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(guess()), localAddress: fresh }),
      "a fresh address once the account is over budget",
    );
    const withCookie = await httpFrom(`${url}/api/fleet/summary`, {
      headers: { cookie },
      localAddress: fresh,
    });
    expect(withCookie.status, "a signed-in dashboard is not locked out").toBe(200);
  });

  test("no guessed token and no admin secret appears in the server's output", () => {
    for (const g of guesses) expect(server.output).not.toContain(g);
    expect(server.output).not.toContain(ADMIN);
  });
});

describe("admin secrets", () => {
  test("shorter than 16 characters: the server refuses to start (exit 78) and says why, without echoing it", async () => {
    const short = "fifteen-chars-x";
    expect(short).toHaveLength(15);
    const s = ServerProcess.start({
      adminToken: short,
      env: { KDUMPWATCH_DATA_DIR: tempDir("kdw-sec-short-") },
    });
    const exit = await s.exit;
    expect(exit.code, s.output).toBe(78);
    expect(s.output).toMatch(/KDUMPWATCH_ADMIN_TOKEN \(--admin-token\): expected at least 16 characters/);
    expect(s.output).not.toContain(short);
  });

  test("a new KDUMPWATCH_ADMIN_TOKEN ends every session opened with the old one", async () => {
    const dataDir = tempDir("kdw-sec-rotate-");
    const port = String(await freePort());
    const first = await ServerProcess.started({
      adminToken: ADMIN,
      env: { KDUMPWATCH_DATA_DIR: dataDir, PORT: port },
    });
    const url = await first.url();
    const cookie = sessionCookie(
      await httpFrom(`${url}/api/session`, { method: "POST", body: JSON.stringify({ token: ADMIN }) }),
    );
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: { cookie } })).status).toBe(200);
    await first.kill();

    const rotated = "security-auth-rotated-secret-02";
    const second = await ServerProcess.started({
      adminToken: rotated,
      env: { KDUMPWATCH_DATA_DIR: dataDir, PORT: port },
    });
    const stale = await httpFrom(`${url}/api/fleet/summary`, { headers: { cookie } });
    expect(stale.status, "the old session is over").toBe(401);
    expect((await httpFrom(`${url}/api/session`, { headers: { cookie } })).body).toBe(
      '{"authenticated":false}',
    );
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(ADMIN) })).status).toBe(401);
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(rotated) })).status).toBe(200);
    await second.kill();
  });

  test("a generated admin token is printed once, never logged, and `admin-token reset` ends its sessions", async () => {
    const dataDir = tempDir("kdw-sec-generated-");
    const port = String(await freePort());
    const env = {
      KDUMPWATCH_ADMIN_TOKEN: "",
      KDUMPWATCH_DATA_DIR: dataDir,
      PORT: port,
      KDUMPWATCH_LOG_LEVEL: "debug",
    };
    const first = await ServerProcess.started({ adminToken: "", env });
    const token = /^admin token: (kdwa_\S+)$/m.exec(first.output)?.[1];
    expect(token, first.output).toBeDefined();
    const url = await first.url();
    // use it, misuse it: nothing of this may print the token again
    const cookie = sessionCookie(
      await httpFrom(`${url}/api/session`, { method: "POST", body: JSON.stringify({ token }) }),
    );
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(token!) })).status).toBe(200);
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(`${token}x`) })).status).toBe(401);
    expect((await httpFrom(`${url}/api/fleet/summary?token=${token}`, { headers: { cookie } })).status).toBe(
      200,
    );
    await first.kill();
    const occurrences = first.output.split(token!).length - 1;
    expect(occurrences, `shown once, in the announcement only:\n${first.output}`).toBe(1);

    const reset = spawnSync(process.execPath, [...serverCommand, "admin-token", "reset"], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        KDUMPWATCH_DATA_DIR: dataDir,
        KDUMPWATCH_LOG_LEVEL: "debug",
      },
      timeout: 120_000,
    });
    expect(reset.status, reset.stderr).toBe(0);
    const next = /^admin token: (kdwa_\S+)$/m.exec(reset.stdout)?.[1];
    expect(next, reset.stdout).toBeDefined();
    expect(reset.stderr).not.toContain(next!);
    expect(reset.stdout.split(next!).length - 1).toBe(1);

    const second = await ServerProcess.started({ adminToken: "", env });
    expect(second.output, "not shown again on the next start").not.toMatch(/admin token:/);
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: { cookie } })).status, "old session").toBe(
      401,
    );
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(token!) })).status).toBe(401);
    expect((await httpFrom(`${url}/api/fleet/summary`, { headers: bearer(next!) })).status).toBe(200);
    await second.kill();
    expect(second.output).not.toContain(token!);
    expect(second.output).not.toContain(next!);
  });
});
