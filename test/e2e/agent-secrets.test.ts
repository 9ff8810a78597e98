/**
 * Secrets never leave the host (apps/agent/src/collect/redact.ts, docs/security.md): captures
 * holding an FTP password, an SMTP password, a password in a dump-target URL, SSH key paths and a
 * token are judged with `check --root`, written with `collect --out` and streamed by `run --once`
 * through a recording proxy to a real server. The secret bytes appear in none of the output, the
 * written files, the frames the agent sent or what the server stores; the verdicts are the
 * captures' own. Build first: `pnpm -r build`.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HostListSchema } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AgentProcess, copyCapture, readExpected, runAgent } from "./support/agents.ts";
import { RecordingProxy } from "./support/recording-proxy.ts";
import {
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const ENROLL = "e2e-secrets-enroll-token-01";
const ADMIN = "e2e-secrets-admin-token-0001";

/** Distinct, unmistakable secret values; none may appear anywhere after redaction. */
const SECRETS = {
  ftp: "ftp-pw-7c41d0e2-not-for-eyes",
  ftpOld: "old-ftp-pw-98a1b2c3-commented",
  token: "tok-3e5f7a9b1c2d4e6f8a0b",
  sshKeyFile: "kdump_id_rsa_c0ffee11secret",
  smtp: "smtp-pw-5d6e7f80-hunter2",
  url: "url-pw-0a1b2c3d-in-savedir",
  conf: "conf-key-a1a2a3a4-sshkey",
} as const;

interface Case {
  capture: string;
  hostname: string;
  machineId: string;
  edit: (root: string) => void;
  /** text the judgement's evidence shows in place of a secret */
  shows?: RegExp;
}

const append = (root: string, path: string, text: string) =>
  writeFileSync(join(root, path), readFileSync(join(root, path), "utf8") + text);

const CASES: Case[] = [
  {
    capture: "ubuntu-2404-ready",
    hostname: "secrets-kdump-tools",
    machineId: "5ec2e75ec2e75ec2e75ec2e75ec2e701",
    edit: (root) =>
      append(
        root,
        "etc/default/kdump-tools",
        `FTP_USER="dump"\nFTP_PASSWORD="${SECRETS.ftp}"\n# FTP_PASSWORD=${SECRETS.ftpOld}\n` +
          `export KDUMP_API_TOKEN=${SECRETS.token}\nSSH_KEY=/root/.ssh/${SECRETS.sshKeyFile}\n`,
      ),
  },
  {
    capture: "sles-16-nfs-target-loaded",
    hostname: "secrets-sysconfig",
    machineId: "5ec2e75ec2e75ec2e75ec2e75ec2e702",
    edit: (root) => {
      const path = join(root, "etc/sysconfig/kdump");
      const text = readFileSync(path, "utf8")
        .replace('KDUMP_SMTP_PASSWORD=""', `KDUMP_SMTP_PASSWORD="${SECRETS.smtp}"`)
        .replace('KDUMP_SAVEDIR="nfs://', `KDUMP_SAVEDIR="nfs://kdump:${SECRETS.url}@`);
      if (!text.includes(SECRETS.smtp) || !text.includes(SECRETS.url)) throw new Error("the capture changed");
      writeFileSync(path, text);
    },
    shows: /nfs:\/\/kdump:<redacted>@10\.180\.32\.148\//,
  },
  {
    capture: "rhel-9-ready",
    hostname: "secrets-kdump-conf",
    machineId: "5ec2e75ec2e75ec2e75ec2e75ec2e703",
    edit: (root) => append(root, "etc/kdump.conf", `sshkey /root/.ssh/${SECRETS.conf}\n`),
  },
];

const roots = new Map<string, string>();

function expectNoSecret(where: string, text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret), `${where} contains the ${name} secret`).toBe(false);
  }
}

/** Every file below `dir`, as text. */
function readTree(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((rel) => join(dir, rel))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, text: readFileSync(path, "latin1") }));
}

/**
 * The proxy test's server, started with the file so that it boots while the check and collect runs
 * go (they need no server); the test awaits it.
 */
let serverStarted: Promise<ServerProcess>;

beforeAll(() => {
  requireBundles();
  serverStarted = ServerProcess.started({
    adminToken: ADMIN,
    enrollToken: ENROLL,
    env: { KDUMPWATCH_DATA_DIR: tempDir("kdw-secrets-data-") },
  });
  // a failed start is reported by the test that awaits it, not as an unhandled rejection
  serverStarted.catch(() => {});
  for (const c of CASES) {
    const root = copyCapture(c.capture, c.hostname, c.machineId);
    c.edit(root);
    roots.set(c.hostname, root);
  }
});

afterAll(async () => {
  await killAllServers();
  removeTempDirs();
});

describe("the agent redacts secrets before anything leaves the host", () => {
  test.each(CASES)("check --root $capture: no secret in the output, the verdict unchanged", (c) => {
    const root = roots.get(c.hostname)!;
    const json = runAgent(["check", "--root", root, "--json"]);
    expectNoSecret("check --json", json.stdout + json.stderr);
    const report = JSON.parse(json.stdout) as { verdict: string };
    expect(report.verdict, json.stdout).toBe(readExpected(c.capture).verdict);
    if (c.shows) expect(json.stdout).toMatch(c.shows);
    const text = runAgent(["check", "--root", root]);
    expectNoSecret("check", text.stdout + text.stderr);
  });

  test.each(CASES)(
    "collect --root $capture, to stdout and with --out: no secret in the JSON or any written file",
    (c) => {
      const root = roots.get(c.hostname)!;
      const printed = runAgent(["collect", "--root", root]);
      expect(printed.status, printed.stderr).toBe(0);
      expectNoSecret("collect", printed.stdout + printed.stderr);
      expect(printed.stdout, "the redacted value is visible").toContain("<redacted>");

      const out = join(tempDir("kdw-secrets-out-"), "capture");
      const written = runAgent(["collect", "--root", root, "--out", out]);
      expect(written.status, written.stderr).toBe(0);
      const files = readTree(out);
      expect(files.length).toBeGreaterThan(3);
      for (const f of files) expectNoSecret(f.path, f.text);
      // and the written capture still judges as the original did
      const again = runAgent(["check", "--root", out, "--json"]);
      expect((JSON.parse(again.stdout) as { verdict: string }).verdict).toBe(readExpected(c.capture).verdict);
    },
  );

  test("run --once through a recording proxy: no secret in the frames sent or in what the server stores", async () => {
    const server = await serverStarted;
    const target = new URL(await server.url());
    const proxy = await RecordingProxy.start({ host: target.hostname, port: Number(target.port) });
    try {
      // the hosts report side by side (distinct hosts, each its own connection through the proxy)
      const agents = CASES.map((c) => ({
        c,
        agent: AgentProcess.once({
          server: proxy.url,
          root: roots.get(c.hostname)!,
          stateDir: tempDir("kdw-secrets-state-"),
          enrollToken: ENROLL,
        }),
      }));
      for (const { c, agent } of agents) {
        expect((await agent.exit).code, agent.output).toBe(0);
        expectNoSecret(`agent ${c.hostname} output`, agent.output);
      }
      const sent = proxy.text();
      expect(proxy.frameCount(), "the recorder decoded the agent's frames").toBeGreaterThan(0);
      expect(sent, "the snapshots are in the recorded frames").toContain("secrets-sysconfig");
      expect(sent).toContain("<redacted>");
      expectNoSecret("frames sent to the server", sent);

      const list = await server.api("/api/hosts?q=secrets-&limit=50", HostListSchema);
      expect(list.hosts.map((h) => h.hostname).sort()).toEqual(CASES.map((c) => c.hostname).sort());
      for (const h of list.hosts) {
        const detail = await (await server.fetch(`/api/hosts/${h.id}`)).text();
        expectNoSecret(`stored host ${h.hostname}`, detail);
      }
      expectNoSecret("server output", server.output);
    } finally {
      await proxy.close();
      await server.kill();
    }
  });
});
