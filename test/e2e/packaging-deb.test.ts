/**
 * The Debian package, for real, on this machine: built with debhelper (infra/deb/build-deb.sh),
 * lintian-clean, then installed with dpkg, configured, run, removed and purged — nothing left.
 *
 * systemd is not PID 1 here, so two things stand in for `systemctl start`, and no more is claimed:
 *   - the maintainer scripts run a second time inside a private mount namespace where
 *     /run/systemd/system exists and `systemctl` is a recorder, to show what they ask systemd for
 *     (with systemd: restart once configured, stop on removal; without: only a hint);
 *   - the agent is started exactly as the installed unit's ExecStart= and Environment= say, as root,
 *     against a real server, and must report (the unit's sandboxing is not applied; `systemd-analyze
 *     verify` checks the unit itself in packaging.test.ts).
 * The machine is shared: one run at a time (flock), and the package must be absent before and after.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Ran, run, runAsync } from "./support/commands.ts";
import { holdLock, PACKAGING_LOCK, PACKAGING_LOCK_WAIT_SECONDS } from "./support/machine-lock.ts";
import { killAllServers, removeTempDirs, repo, ServerProcess, tempDir } from "./support/server-process.ts";

const version: string = JSON.parse(readFileSync(join(repo, "apps/agent/package.json"), "utf8")).version;

const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8).padStart(4, "0");
/** Everything the package may create outside dpkg's own database. */
const TRACES = [
  "/etc/kdumpwatch",
  "/var/lib/kdumpwatch",
  "/usr/lib/kdumpwatch",
  "/usr/bin/kdumpwatch-agent",
  "/lib/systemd/system/kdumpwatch-agent.service",
  "/etc/systemd/system/multi-user.target.wants/kdumpwatch-agent.service",
  "/var/lib/systemd/deb-systemd-helper-enabled/kdumpwatch-agent.service.dsh-also",
  "/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/kdumpwatch-agent.service",
  "/usr/share/man/man8/kdumpwatch-agent.8.gz",
];
// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template
const installed = () => run("dpkg-query", ["-W", "-f", "${Status}", "kdumpwatch-agent"]).stdout;

let deb = "";
/** lintian over the .deb, started as soon as it is built: it reads only the file, so it runs while
 * the package is installed and removed (the longest test), on the other core; its test is last. */
let lintian: Promise<Ran> | undefined;
let lockFd: ReturnType<typeof spawn> | null = null;

beforeAll(
  async () => {
    // one packaging run at a time on this machine: hold an flock for the whole file
    lockFd = await holdLock(PACKAGING_LOCK, PACKAGING_LOCK_WAIT_SECONDS);
    if (installed().includes("installed")) run("dpkg", ["--purge", "kdumpwatch-agent"]); // a crashed earlier run
    const out = tempDir("kdw-deb-out-");
    const built = run("sh", [join(repo, "infra/deb/build-deb.sh")], {
      env: { ...process.env, KDUMPWATCH_DEB_OUT: out, KDUMPWATCH_SKIP_BUILD: "1" },
    });
    expect(built.status, built.all).toBe(0);
    deb = join(out, `kdumpwatch-agent_${version}_all.deb`);
    lintian = runAsync("lintian", ["--info", "--pedantic", "--fail-on", "error,warning,info,pedantic", deb]);
    lintian.catch(() => undefined); // its test reports a failure to start
  },
  (PACKAGING_LOCK_WAIT_SECONDS + 180) * 1000,
);

afterAll(async () => {
  if (installed().includes("installed")) run("dpkg", ["--purge", "kdumpwatch-agent"]);
  lockFd?.kill();
  await killAllServers();
  removeTempDirs();
});

describe("the Debian package, installed for real", () => {
  test("its control data: Depends: nodejs (>= 10.19), man pages for every command, the changelog, the copyright", () => {
    const field = (name: string) => run("dpkg-deb", ["-f", deb, name]).stdout.trim();
    expect(field("Depends")).toBe("nodejs (>= 10.19)");
    expect(field("Architecture")).toBe("all");
    const files = run("dpkg-deb", ["-c", deb]).stdout;
    for (const page of [
      "kdumpwatch-agent.8",
      "kdumpwatch-agent-check.8",
      "kdumpwatch-agent-collect.8",
      "kdumpwatch-agent-run.8",
    ]) {
      expect(files).toContain(`./usr/share/man/man8/${page}.gz`);
    }
    expect(files).toContain("./usr/share/doc/kdumpwatch-agent/changelog.gz");
    expect(files).toContain("./usr/share/doc/kdumpwatch-agent/copyright");
    expect(files).toMatch(/\.\/usr\/bin\/kdumpwatch-agent -> \.\.\/lib\/kdumpwatch\/kdumpwatch-agent\.cjs/);
  });

  test("install, configure, start as the unit would, remove and purge leave nothing behind", async () => {
    expect(installed(), "the package is not installed before the test").not.toContain("ok installed");
    for (const path of TRACES) expect(existsSync(path), `${path} before installing`).toBe(false);

    // the server it will report to starts meanwhile
    const server = ServerProcess.start({
      adminToken: "admin-deb-test-0123456789",
      enrollToken: "enroll-deb-test-0123456789",
      env: { KDUMPWATCH_DATA_DIR: join(tempDir("kdw-deb-data-"), "pglite") },
    });

    // install without systemd running (this machine): files, config 0600, state 0700, unit enabled, a hint
    const inst = run("dpkg", ["-i", deb]);
    expect(inst.status, inst.all).toBe(0);
    expect(installed()).toBe("install ok installed");
    expect(inst.all).toContain('set "server" and "enrollToken" in /etc/kdumpwatch/agent.json');
    expect(mode("/etc/kdumpwatch/agent.json")).toBe("0600");
    expect(mode("/var/lib/kdumpwatch")).toBe("0700");
    expect(
      existsSync("/etc/systemd/system/multi-user.target.wants/kdumpwatch-agent.service"),
      "enabled",
    ).toBe(true);
    const help = run("kdumpwatch-agent", ["--version"]);
    expect(help.stdout.trim(), help.all).toBe(`kdumpwatch-agent ${version}`);
    const man = run("man", ["-w", "kdumpwatch-agent-check"]);
    expect(man.stdout.trim()).toBe("/usr/share/man/man8/kdumpwatch-agent-check.8.gz");

    // configure it for a real server and start it exactly as the installed unit does
    const url = await server.url();
    writeFileSync(
      "/etc/kdumpwatch/agent.json",
      `${JSON.stringify({ server: url, enrollToken: "enroll-deb-test-0123456789", interval: 60 })}\n`,
    );
    const unit = readFileSync("/lib/systemd/system/kdumpwatch-agent.service", "utf8");
    const exec = /^ExecStart=(.+)$/m.exec(unit)?.[1]?.split(/\s+/) ?? [];
    const env = Object.fromEntries(
      [...unit.matchAll(/^Environment=(\w+)=(\S*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(exec[0]).toBe("/usr/lib/kdumpwatch/kdumpwatch-agent-start");
    const agent = spawn(exec[0] as string, exec.slice(1), {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    agent.stderr?.setEncoding("utf8").on("data", (c: string) => (log += c));
    const until = Date.now() + 60_000;
    while (!log.includes("snapshot acknowledged") && Date.now() < until && agent.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const stopped = new Promise<number | null>((r) => agent.once("exit", (code) => r(code)));
    agent.kill("SIGTERM");
    expect(await stopped, log).toBe(0);
    expect(log, "the agent started by the unit's command line reported").toContain("snapshot acknowledged");
    const hosts = await server.api<{ hosts: unknown[] }>("/api/hosts");
    expect(hosts.hosts).toHaveLength(1);
    expect(
      mode("/var/lib/kdumpwatch/credential.json"),
      "its own credential, kept by the package's state dir",
    ).toBe("0600");

    // the maintainer scripts WITH systemd: a private mount namespace with /run/systemd/system and a
    // systemctl that records what it is asked
    const bin = tempDir("kdw-systemctl-");
    const record = join(bin, "calls");
    writeFileSync(
      join(bin, "systemctl"),
      `#!/bin/sh\necho "$*" >>${record}\ncase "$*" in *is-enabled*) echo enabled ;; esac\nexit 0\n`,
    );
    chmodSync(join(bin, "systemctl"), 0o755);
    // this machine's /usr/sbin/policy-rc.d forbids starting services (exit 101), which
    // deb-systemd-invoke obeys; inside the namespace a policy that allows them is bound over it
    writeFileSync(join(bin, "policy-rc.d"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(bin, "policy-rc.d"), 0o755);
    const policy = existsSync("/usr/sbin/policy-rc.d")
      ? `mount --bind ${bin}/policy-rc.d /usr/sbin/policy-rc.d && `
      : "";
    const withSystemd = (script: string, arg: string) =>
      run("unshare", [
        "--mount",
        "sh",
        "-c",
        `mount -t tmpfs tmpfs /run/systemd && mkdir -p /run/systemd/system && ${policy}PATH=${bin}:$PATH /var/lib/dpkg/info/kdumpwatch-agent.${script} ${arg}`,
      ]);
    const post = withSystemd("postinst", "configure");
    expect(post.status, post.all).toBe(0);
    expect(
      readFileSync(record, "utf8"),
      "configured: postinst restarts the unit through deb-systemd-invoke",
    ).toMatch(/--quiet --system restart kdumpwatch-agent\.service/);
    const pre = withSystemd("prerm", "remove");
    expect(pre.status, pre.all).toBe(0);
    expect(readFileSync(record, "utf8")).toMatch(/stop kdumpwatch-agent\.service/);
    expect(existsSync("/run/systemd/system"), "the namespace did not leak").toBe(false);

    // remove keeps the host's identity; purge forgets it and leaves nothing
    const rm = run("dpkg", ["-r", "kdumpwatch-agent"]);
    expect(rm.status, rm.all).toBe(0);
    expect(existsSync("/usr/lib/kdumpwatch/kdumpwatch-agent.cjs")).toBe(false);
    expect(existsSync("/var/lib/kdumpwatch/credential.json"), "remove keeps the credential").toBe(true);
    const purge = run("dpkg", ["-P", "kdumpwatch-agent"]);
    expect(purge.status, purge.all).toBe(0);
    expect(installed()).not.toContain("installed");
    for (const path of TRACES) expect(existsSync(path), `${path} after purge`).toBe(false);
  });

  test("lintian finds nothing: no error, warning, info or pedantic tag", async () => {
    expect(lintian, "the package was built").toBeDefined();
    const r = await (lintian as Promise<Ran>);
    const tags = r.stdout.split("\n").filter((l) => /^[EWIPX]: /.test(l));
    expect(tags, r.all).toEqual([]);
    expect(r.status, r.all).toBe(0);
  });
});
