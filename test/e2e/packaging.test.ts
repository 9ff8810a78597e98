/**
 * How the agent reaches hosts: the Debian package (`pnpm package:deb`), the install script, the
 * systemd units and the Ansible role. Everything runs for real (dpkg-deb, sh, systemd-analyze,
 * ansible-playbook) against temporary directories; nothing is installed on this machine.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { agentBundle, removeTempDirs, repo, tempDir } from "./support/server-process.ts";

const agentUnit = join(repo, "infra/systemd/kdumpwatch-agent.service");
const serverUnit = join(repo, "infra/systemd/kdumpwatch-server.service");
const installScript = join(repo, "infra/install-agent.sh");

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: opts.cwd ?? repo, env: opts.env ?? process.env });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", all: `${r.stdout}${r.stderr}` };
}

const has = (cmd: string) => run("sh", ["-c", `command -v ${cmd}`]).status === 0;
const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8).padStart(4, "0");

afterAll(removeTempDirs);

beforeAll(() => {
  if (!existsSync(agentBundle)) {
    const built = run("node", [join(repo, "apps/agent/build.mjs")]);
    expect(built.status, built.all).toBe(0);
  }
});

describe("systemd units", () => {
  const agent = readFileSync(agentUnit, "utf8");
  const server = readFileSync(serverUnit, "utf8");
  const directives = (text: string) =>
    text
      .split("\n")
      .filter((l) => /^[A-Za-z]+=/.test(l))
      .map((l) => l.trim());

  test.each([
    "ProtectSystem=strict",
    "StateDirectory=kdumpwatch",
    "NoNewPrivileges=yes",
    "PrivateTmp=yes",
    "ProtectHome=yes",
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
    "CapabilityBoundingSet=CAP_SYS_ADMIN CAP_SYSLOG CAP_DAC_READ_SEARCH",
    "Restart=on-failure",
    "RestartPreventExitStatus=64",
    "ExecReload=/bin/kill -HUP $MAINPID",
    "ExecStart=/usr/lib/kdumpwatch/kdumpwatch-agent-start run",
  ])("the agent unit has %s", (line) => {
    expect(directives(agent)).toContain(line);
  });

  test("the agent unit does not take away the evidence it exists to read", () => {
    const set = directives(agent);
    expect(set, "dmesg is evidence").not.toContain("ProtectKernelLogs=yes");
    expect(set.join("\n"), "/proc/cmdline and /proc/iomem are evidence").not.toMatch(/^ProcSubset=pid/m);
    expect(set.join("\n"), "/dev/kmsg is evidence").not.toMatch(/^PrivateDevices=yes/m);
    expect(set).toContain("DeviceAllow=/dev/kmsg r");
  });

  test.each([
    "DynamicUser=yes",
    "StateDirectory=kdumpwatch-server",
    "CapabilityBoundingSet=",
    "ProtectSystem=strict",
  ])("the server unit has %s", (line) => {
    expect(directives(server)).toContain(line);
  });

  test("the server's exit status for a bad configuration is one the unit will not restart on", () => {
    const r = spawnSync(process.execPath, [join(repo, "apps/server/dist/kdumpwatch-server.mjs")], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, PORT: "not-a-port" },
    });
    expect(r.stderr).toContain("PORT");
    const prevent = /^RestartPreventExitStatus=(.*)$/m.exec(server)?.[1]?.split(/\s+/) ?? [];
    expect(prevent, `exit ${r.status}`).toContain(String(r.status));
  });

  test("systemd-analyze verify finds nothing to complain about in either unit", () => {
    expect(has("systemd-analyze"), "systemd-analyze is part of systemd; install it to check units").toBe(
      true,
    );
    // the agent unit's ExecStart is /usr/lib/kdumpwatch/kdumpwatch-agent-start, which verify wants to
    // exist: it is laid over /usr/lib in a private mount namespace, so this machine is not changed
    const lib = tempDir("kdw-verify-lib-");
    mkdirSync(join(lib, "kdumpwatch"));
    writeFileSync(
      join(lib, "kdumpwatch/kdumpwatch-agent-start"),
      readFileSync(join(repo, "infra/systemd/kdumpwatch-agent-start")),
    );
    chmodSync(join(lib, "kdumpwatch/kdumpwatch-agent-start"), 0o755);
    for (const unit of [agentUnit, serverUnit]) {
      const r = run("unshare", [
        "--mount",
        "sh",
        "-c",
        `mount -t overlay overlay -o lowerdir=${lib}:/usr/lib /usr/lib && exec systemd-analyze verify ${unit}`,
      ]);
      expect(r.all.trim(), unit).toBe("");
      expect(r.status, unit).toBe(0);
    }
  });
});

describe("infra/install-agent.sh", () => {
  /** a PATH holding only the tools the script needs, and `node` only when asked */
  function pathWith(node: "real" | "none" | string): string {
    const bin = tempDir("kdw-bin-");
    const tools = [
      "sh",
      "dirname",
      "head",
      "tr",
      "id",
      "cmp",
      "chmod",
      "mkdir",
      "cp",
      "mv",
      "rm",
      "grep",
      "cat",
    ];
    for (const tool of tools) {
      const found = run("sh", ["-c", `command -v ${tool}`]).stdout.trim();
      if (found) symlinkSync(found, join(bin, tool));
    }
    if (node === "real") symlinkSync(process.execPath, join(bin, "node"));
    else if (node !== "none") writeFileSync(join(bin, "node"), `#!/bin/sh\necho ${node}\n`, { mode: 0o755 });
    return bin;
  }
  const install = (args: string[], node: "real" | "none" | string = "real") =>
    run("sh", [installScript, ...args], { env: { PATH: pathWith(node), HOME: tmpdir() } });

  test("stages the bundle (0755), the unit (0644) and agent.json (0600) with the server and the token", () => {
    const dest = tempDir("kdw-stage-");
    const r = install([
      "--destdir",
      dest,
      "--server",
      "https://kdw.example.net",
      "--enroll-token",
      "t0k",
      "--interval",
      "30",
    ]);
    expect(r.status, r.all).toBe(0);
    expect(r.stdout).toContain("--destdir given: not touching systemd");
    expect(mode(join(dest, "usr/lib/kdumpwatch/kdumpwatch-agent.cjs"))).toBe("0755");
    expect(mode(join(dest, "etc/systemd/system/kdumpwatch-agent.service"))).toBe("0644");
    expect(mode(join(dest, "etc/kdumpwatch/agent.json"))).toBe("0600");
    expect(JSON.parse(readFileSync(join(dest, "etc/kdumpwatch/agent.json"), "utf8"))).toEqual({
      server: "https://kdw.example.net",
      enrollToken: "t0k",
      interval: 30,
    });
  });

  test("is idempotent: a second run changes nothing and keeps settings an operator added", () => {
    const dest = tempDir("kdw-stage-");
    const args = ["--destdir", dest, "--server", "https://kdw.example.net", "--enroll-token", "t0k"];
    expect(install(args).status).toBe(0);
    const config = join(dest, "etc/kdumpwatch/agent.json");
    const edited = { ...JSON.parse(readFileSync(config, "utf8")), logLevel: "debug" };
    writeFileSync(config, `${JSON.stringify(edited, null, 2)}\n`);
    const again = install(args);
    expect(again.status, again.all).toBe(0);
    expect(again.stdout).toContain("installed (unchanged)");
    expect(again.stdout).not.toContain("installed /");
    expect(JSON.parse(readFileSync(config, "utf8"))).toEqual(edited);
    expect(mode(config)).toBe("0600");
  });

  test.each([
    ["Node.js is missing", "none", /Node\.js is not installed; the agent needs node >= 10\.19/],
    [
      "Node.js is older than 10.19",
      "10.18.1",
      /Node\.js 10\.18\.1 is too old; the agent needs node >= 10\.19/,
    ],
  ])("refuses clearly when %s, and touches nothing", (_name, node, message) => {
    const dest = tempDir("kdw-stage-");
    const r = install(["--destdir", dest, "--server", "https://x", "--enroll-token", "t"], node);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dest, "usr")), "nothing installed").toBe(false);
  });

  test("refuses a server that is not an http(s) URL", () => {
    const r = install(["--destdir", tempDir("kdw-stage-"), "--server", "kdw.example.net"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--server: 'kdw.example.net' is not an http:// or https:// URL");
  });

  test("the staged agent starts with the staged config (it reads agent.json, then fails only on the server)", () => {
    const dest = tempDir("kdw-stage-");
    expect(install(["--destdir", dest, "--server", "http://127.0.0.1:9", "--enroll-token", "t"]).status).toBe(
      0,
    );
    const capture = tempDir("kdw-cap-");
    mkdirSync(join(capture, "proc"));
    writeFileSync(join(capture, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz crashkernel=512M\n");
    const r = run("node", [
      join(dest, "usr/lib/kdumpwatch/kdumpwatch-agent.cjs"),
      "run",
      "--config",
      join(dest, "etc/kdumpwatch/agent.json"),
      "--state-dir",
      tempDir("kdw-state-"),
      "--root",
      capture,
      "--once",
      "--timeout",
      "5",
    ]);
    expect(r.status, r.all).toBe(2);
    expect(r.stderr).toContain("cannot reach ws://127.0.0.1:9/api/agent/ws");
  });
});

describe("Ansible role", () => {
  const ansible = join(repo, "infra/ansible");

  // Debian's ansible package: `.ci/run` and `npm test` (as root on Debian) install it
  const needAnsible = () =>
    expect(has("ansible-playbook"), "install Debian's ansible package (apt-get install ansible)").toBe(true);

  test("site.yml passes ansible-playbook --syntax-check", () => {
    needAnsible();
    const r = run("ansible-playbook", ["--syntax-check", "-i", "inventory.example.ini", "site.yml"], {
      cwd: ansible,
      env: { ...process.env, ANSIBLE_NOCOLOR: "1" },
    });
    expect(r.status, r.all).toBe(0);
  });

  test("its agent.json template renders valid JSON even for a token with quotes", () => {
    needAnsible();
    const out = join(tempDir("kdw-ansible-"), "agent.json");
    const vars = join(tempDir("kdw-ansible-"), "vars.json");
    const token = 'a"b\\c';
    writeFileSync(
      vars,
      JSON.stringify({
        kdumpwatch_server_url: "https://kdw",
        kdumpwatch_enroll_token: token,
        kdumpwatch_interval: "45",
      }),
    );
    const r = run(
      "ansible",
      [
        "localhost",
        "-m",
        "ansible.builtin.copy",
        "-a",
        `dest=${out} content={{ lookup('template', 'roles/kdumpwatch_agent/templates/agent.json.j2') }}`,
        "-e",
        `@${vars}`,
      ],
      { cwd: ansible, env: { ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_LOCALHOST_WARNING: "false" } },
    );
    expect(r.status, r.all).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({
      server: "https://kdw",
      enrollToken: token,
      interval: 45,
    });
  });

  test("the role installs the same unit file as the package, from infra/systemd", () => {
    const defaults = readFileSync(join(ansible, "roles/kdumpwatch_agent/defaults/main.yml"), "utf8");
    expect(defaults).toContain(
      'kdumpwatch_agent_unit: "{{ role_path }}/../../../systemd/kdumpwatch-agent.service"',
    );
    const rolePath = join(ansible, "roles/kdumpwatch_agent");
    expect(existsSync(resolve(rolePath, "../../../systemd/kdumpwatch-agent.service"))).toBe(true);
    expect(existsSync(resolve(rolePath, "../../../../apps/agent/dist/kdumpwatch-agent.cjs"))).toBe(true);
  });
});
