import { describe, expect, test } from "vitest";
import type { ConfigInput } from "./run-config.ts";
import { DEFAULT_CONFIG_FILE, deriveWsUrl, loadRunConfig } from "./run-config.ts";

function input(
  argv: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): ConfigInput {
  return {
    argv,
    env,
    cwd: "/srv/kdw",
    readFile: async (path) => {
      const body = files[path];
      if (body === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: "ENOENT" });
      return body;
    },
  };
}

async function message(i: ConfigInput): Promise<string> {
  const r = await loadRunConfig(i);
  if (r.ok) throw new Error(`expected a configuration error, got ${JSON.stringify(r.config)}`);
  return r.message;
}

describe("deriveWsUrl", () => {
  test.each([
    ["http://10.0.0.5:8080", "ws://10.0.0.5:8080/api/agent/ws"],
    ["https://kdw.example.net", "wss://kdw.example.net/api/agent/ws"],
    ["https://kdw.example.net/", "wss://kdw.example.net/api/agent/ws"],
    ["https://proxy.example.net/kdumpwatch/", "wss://proxy.example.net/kdumpwatch/api/agent/ws"],
    ["wss://kdw.example.net/api/agent/ws", "wss://kdw.example.net/api/agent/ws"],
    ["http://[::1]:8080?x=1#y", "ws://[::1]:8080/api/agent/ws"],
  ])("%s → %s", (base, expected) => {
    expect(deriveWsUrl(base)).toBe(expected);
  });

  test.each(["ftp://x", "kdw.example.net", "", "http://"])("%j is not a server URL", (base) => {
    expect(deriveWsUrl(base)).toBeNull();
  });
});

describe("loadRunConfig", () => {
  test("defaults: 60 s interval, /var/lib/kdumpwatch, 30 s --once timeout, info logs", async () => {
    const r = await loadRunConfig(input(["--server", "http://s:8080", "--enroll-token", "t"]));
    expect(r).toEqual({
      ok: true,
      config: {
        server: "http://s:8080",
        wsUrl: "ws://s:8080/api/agent/ws",
        enrollToken: "t",
        stateDir: "/var/lib/kdumpwatch",
        root: undefined,
        once: false,
        intervalSec: 60,
        timeoutSec: 30,
        logLevel: "info",
        labels: {},
      },
    });
  });

  test("labels merge name by name: --label beats KDUMPWATCH_LABELS, which beats the file", async () => {
    const file = JSON.stringify({ server: "http://s", labels: { team: "file", site: "par1", role: "db" } });
    const env = { KDUMPWATCH_LABELS: "team=env, environment=production" };
    const r = await loadRunConfig(
      input(["--label", "team=flag", "--label", "role=web=front"], env, { [DEFAULT_CONFIG_FILE]: file }),
    );
    expect(r.ok && r.config.labels).toEqual({
      team: "flag",
      site: "par1",
      role: "web=front",
      environment: "production",
    });
  });

  test.each([
    [["--label", "Team=x"], {}, '--label: label name "Team"'],
    [["--label", "team"], {}, '--label: "team" is not name=value'],
    [["--label", "host=x"], {}, "reserved for the alert's own labels"],
    [[], { KDUMPWATCH_LABELS: "__name__=x" }, 'KDUMPWATCH_LABELS: label name "__name__"'],
    [["--label", "team="], {}, "--label: label value: empty"],
  ])("bad labels %j %j are refused naming where they came from", async (argv, env, expected) => {
    expect(await message(input(["--server", "http://s", "--enroll-token", "t", ...argv], env))).toContain(
      expected,
    );
  });

  test("flags beat the environment, which beats the config file", async () => {
    const file = JSON.stringify({
      server: "http://file",
      enrollToken: "file-t",
      stateDir: "/file",
      interval: 300,
    });
    const env = { KDUMPWATCH_SERVER: "http://env", KDUMPWATCH_INTERVAL: "120", KDUMPWATCH_STATE_DIR: "/env" };
    const r = await loadRunConfig(input(["--interval", "30"], env, { [DEFAULT_CONFIG_FILE]: file }));
    expect(r.ok && r.config).toMatchObject({
      server: "http://env",
      enrollToken: "file-t",
      stateDir: "/env",
      intervalSec: 30,
    });
  });

  test("--config FILE replaces the default file; relative directories resolve against the cwd", async () => {
    const r = await loadRunConfig(
      input(
        ["--config", "/tmp/a.json", "--root", "cap", "--once"],
        {},
        {
          "/tmp/a.json": '{"server":"https://x","stateDir":"state"}',
        },
      ),
    );
    expect(r.ok && r.config).toMatchObject({
      server: "https://x",
      stateDir: "/srv/kdw/state",
      root: "/srv/kdw/cap",
      once: true,
    });
  });

  test("an empty environment variable counts as unset", async () => {
    const r = await loadRunConfig(input(["--server", "http://s"], { KDUMPWATCH_INTERVAL: "" }));
    expect(r.ok && r.config.intervalSec).toBe(60);
  });

  test.each([
    [
      input([]),
      /no server configured: set --server URL, KDUMPWATCH_SERVER or "server" in \/etc\/kdumpwatch\/agent.json/,
    ],
    [input(["--server", "ftp://x"]), /^--server: "ftp:\/\/x" is not an http\(s\):\/\/ or ws\(s\):\/\/ URL/],
    [
      input(["--server", "http://s"], { KDUMPWATCH_INTERVAL: "soon" }),
      /^KDUMPWATCH_INTERVAL: "soon" is not a whole number/,
    ],
    [input(["--server", "http://s", "--interval", "0"]), /^--interval: "0"/],
    [input(["--server", "http://s", "--timeout", "1.5"]), /^--timeout: "1.5"/],
    [
      input(["--server", "http://s"], {}, { [DEFAULT_CONFIG_FILE]: '{"interval":"60"}' }),
      /config file \/etc\/kdumpwatch\/agent.json: interval:/,
    ],
    [input([], {}, { [DEFAULT_CONFIG_FILE]: '{"sever":"http://typo"}' }), /unknown setting sever/],
    [input([], {}, { [DEFAULT_CONFIG_FILE]: "{not json" }), /agent.json: not valid JSON/],
    [input(["--config", "/nope.json"]), /config file \/nope.json: no such file/],
    [input(["--server", "http://s", "--bogus"]), /^run: unknown option '--bogus'/i],
    [
      input(["--server", "http://s"], { KDUMPWATCH_LOG_LEVEL: "loud" }),
      /^KDUMPWATCH_LOG_LEVEL: "loud" is not one of debug, info, warn, error/,
    ],
    [
      input(["--server", "http://s"], {}, { [DEFAULT_CONFIG_FILE]: '{"enrollToken":"  "}' }),
      /^enrollToken in \/etc\/kdumpwatch\/agent.json: the enrollment token/,
    ],
  ])("bad configuration is refused with a message naming the setting (%#)", async (i, expected) => {
    expect(await message(i)).toMatch(expected);
  });
});
