/**
 * The Ansible role as a user gets it and runs it. `pnpm package:ansible-role` builds the role
 * archive (and, with KDUMPWATCH_ROLE_TAG, a tagged commit of the packaged role); ansible-galaxy
 * installs it from its path, from a `file://` URL and from a clone of this repository at that tag
 * (the README's requirements files, their `src` pointed at copies made here); ansible-playbook runs
 * the installed role against this machine (`-i localhost, -c local`) twice.
 *
 * systemd is not PID 1 here, so the role runs with `kdumpwatch_root` set to a temporary directory:
 * it installs everything below it and leaves systemd alone (as it does on any host whose service
 * manager is not systemd). The agent is then started exactly as the installed unit's ExecStart= and
 * Environment= say, their paths re-rooted under that directory (and `--config` for the re-rooted
 * agent.json), against a real server, and must report; the unit's sandboxing is not applied
 * (`systemd-analyze verify` checks the unit in packaging.test.ts). The paths the role would write
 * without a root are the same before and after, under the packaging tests' lock.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { VERDICTS } from "@kdumpwatch/core";
import { HostListSchema } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ansibleEnv, fileTree, parseYaml, playRecap, taskLines } from "./support/ansible.ts";
import { type Ran, run, runAsync } from "./support/commands.ts";
import { holdLock, PACKAGING_LOCK, PACKAGING_LOCK_WAIT_SECONDS } from "./support/machine-lock.ts";
import {
  agentBundle,
  killAllServers,
  removeTempDirs,
  repo,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const version: string = JSON.parse(readFileSync(join(repo, "apps/agent/package.json"), "utf8")).version;
const roleDir = join(repo, "infra/ansible/roles/kdumpwatch_agent");
const systemd = join(repo, "infra/systemd");
/** The same lock as packaging-deb.test.ts: one run at a time may touch these paths on this machine. */
/** Where the role writes when kdumpwatch_root is empty: must not change while it runs into a root. */
const SYSTEM_PATHS = [
  "/usr/lib/kdumpwatch",
  "/etc/kdumpwatch",
  "/var/lib/kdumpwatch",
  "/etc/systemd/system/kdumpwatch-agent.service",
];

const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8).padStart(4, "0");
const yamlFile = (path: string) => parseYaml(readFileSync(path, "utf8"));
/** The installed role's files, without ansible-galaxy's install date. */
const roleTree = (dir: string) => fileTree(dir, [".galaxy_install_info"]);

/** What the README shows as `# requirements.yml (WHICH)`, parsed. */
function readmeRequirements(which: string): Array<Record<string, string>> {
  const readme = readFileSync(join(roleDir, "README.md"), "utf8");
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .find((b) => b.startsWith(`# requirements.yml (${which})`));
  expect(block, `the README shows a requirements.yml (${which})`).toBeDefined();
  return parseYaml(block as string) as Array<Record<string, string>>;
}

function snapshotSystemPaths(): string[] {
  return SYSTEM_PATHS.map((p) => (existsSync(p) ? `${p} ${statSync(p).mtimeMs}` : `${p} absent`));
}

let archive = "";
let lock: ChildProcess | null = null;
let systemBefore: string[] = [];

beforeAll(
  async () => {
    requireBundles();
    lock = await holdLock(PACKAGING_LOCK, PACKAGING_LOCK_WAIT_SECONDS);
    systemBefore = snapshotSystemPaths();
    const out = tempDir("kdw-role-out-");
    const built = run("sh", [join(repo, "infra/ansible/package-role.sh")], {
      env: { ...process.env, KDUMPWATCH_ROLE_OUT: out, KDUMPWATCH_SKIP_BUILD: "1" },
    });
    expect(built.status, built.all).toBe(0);
    archive = join(out, `kdumpwatch_agent-${version}.tar.gz`);
    expect(existsSync(archive), built.all).toBe(true);
    // The role's first run (the longest step: four hosts, every task a module run) starts now and
    // runs while the lint and galaxy tests do; the tests that read it await it and see its failure,
    // if any (the others do not depend on it).
    applyRole().catch(() => undefined);
  },
  (PACKAGING_LOCK_WAIT_SECONDS + 180) * 1000,
);

afterAll(async () => {
  lock?.kill();
  await killAllServers();
  removeTempDirs();
});

describe("the role's own checks", () => {
  test("ansible-lint's production profile finds nothing in the role", () => {
    const r = run("ansible-lint", ["--nocolor", "--profile", "production", "roles/kdumpwatch_agent"], {
      cwd: join(repo, "infra/ansible"),
      env: ansibleEnv(),
    });
    expect(r.status, r.all).toBe(0);
  });

  test("its defaults, its argument spec and the README's variables table list the same variables", () => {
    const spec = yamlFile(join(roleDir, "meta/argument_specs.yml")) as {
      argument_specs: { main: { options: Record<string, { default?: unknown; required?: boolean }> } };
    };
    const options = spec.argument_specs.main.options;
    const defaults = yamlFile(join(roleDir, "defaults/main.yml")) as Record<string, unknown>;
    expect(Object.keys(defaults).sort()).toEqual(Object.keys(options).sort());
    const readme = readFileSync(join(roleDir, "README.md"), "utf8");
    const rows = new Map(
      [...readme.matchAll(/^\| `(kdumpwatch_\w+)` \| ([^|]+) \|/gm)].map((m) => [
        m[1],
        (m[2] as string).trim(),
      ]),
    );
    expect([...rows.keys()].sort()).toEqual(Object.keys(options).sort());
    for (const [name, option] of Object.entries(options)) {
      if ("default" in option) expect(defaults[name], `${name} in defaults/main.yml`).toEqual(option.default);
      if (option.required) expect(rows.get(name), name).toBe("(required)");
      else if ("default" in option)
        expect(rows.get(name), name).toBe(`\`${JSON.stringify(option.default)}\``);
    }
  });
});

describe("installing the role with ansible-galaxy", () => {
  test("from the archive's path: the role with the bundle, the start script and the unit in files/", () => {
    const fromPath = installRole();
    const role = join(fromPath, "kdumpwatch_agent");
    expect(readFileSync(join(role, "files/kdumpwatch-agent.cjs")).equals(readFileSync(agentBundle))).toBe(
      true,
    );
    for (const file of ["kdumpwatch-agent.service", "kdumpwatch-agent-start"]) {
      expect(readFileSync(join(role, "files", file), "utf8"), file).toBe(
        readFileSync(join(systemd, file), "utf8"),
      );
    }
    const defaults = yamlFile(join(role, "defaults/main.yml")) as Record<string, string>;
    expect(defaults.kdumpwatch_agent_bundle).toBe("{{ role_path }}/files/kdumpwatch-agent.cjs");
    expect(defaults.kdumpwatch_agent_unit).toBe("{{ role_path }}/files/kdumpwatch-agent.service");
    expect(defaults.kdumpwatch_agent_start).toBe("{{ role_path }}/files/kdumpwatch-agent-start");
    // everything else is the role as it is in the repository
    const installed = roleTree(role);
    for (const [path, text] of Object.entries(roleTree(roleDir))) {
      if (path !== "defaults/main.yml") expect(installed[path], path).toBe(text);
    }
    const list = run("ansible-galaxy", ["role", "list", "-p", fromPath], { env: ansibleEnv() });
    expect(list.stdout).toContain(`- kdumpwatch_agent, v${version}`);
  });

  test("with the README's requirements.yml, from the archive's URL and from this repository's git at the role's tag: the same role", async () => {
    const fromPath = installRole();
    const work = tempDir("kdw-roles-req-");

    // the archive at a URL: the README's entry with a file:// URL for its https:// one
    const [byUrl] = readmeRequirements("the role archive");
    expect(byUrl?.src).toMatch(/^https:\/\/.+\/kdumpwatch_agent-[\d.]+\.tar\.gz$/);
    const urlReq = join(work, "url.yml");
    writeFileSync(urlReq, JSON.stringify([{ ...byUrl, src: `file://${archive}` }]));
    // installed while the clone is made and tagged
    const galaxyInstall = (req: string, roles: string) =>
      runAsync("ansible-galaxy", ["role", "install", "-r", req, "-p", roles], { env: ansibleEnv() });
    const byUrlInstalled = galaxyInstall(urlReq, join(work, "roles-url"));

    // git: a clone of this repository, given the role's tag by `KDUMPWATCH_ROLE_TAG=REPO pnpm
    // package:ansible-role` as the README says, installed through git+file:// at that tag
    const [byGit] = readmeRequirements("git");
    expect(byGit?.src).toMatch(/^git\+https:\/\/.+\/kdumpwatch\.git$/);
    expect(byGit?.scm).toBe("git");
    expect(byGit?.version).toBe(`kdumpwatch_agent-v${version}`);
    const clone = join(work, "kdumpwatch");
    const cloned = run("git", ["clone", "-q", repo, clone]);
    expect(cloned.status, cloned.all).toBe(0);
    const head = run("git", ["-C", clone, "rev-parse", "HEAD"]).stdout;
    const tagged = run("sh", [join(repo, "infra/ansible/package-role.sh")], {
      env: {
        ...process.env,
        KDUMPWATCH_SKIP_BUILD: "1",
        KDUMPWATCH_ROLE_OUT: join(work, "out"),
        KDUMPWATCH_ROLE_TAG: clone,
      },
    });
    expect(tagged.status, tagged.all).toBe(0);
    expect(tagged.stdout).toContain(`tagged kdumpwatch_agent-v${version}`);
    expect(run("git", ["-C", clone, "rev-parse", "HEAD"]).stdout, "the clone's branch is untouched").toBe(
      head,
    );
    expect(run("git", ["-C", clone, "status", "--porcelain"]).stdout, "and its work tree").toBe("");
    const gitReq = join(work, "git.yml");
    writeFileSync(gitReq, JSON.stringify([{ ...byGit, src: `git+file://${clone}` }]));

    const byGitInstalled = galaxyInstall(gitReq, join(work, "roles-git"));

    for (const [installed, name] of [
      [byUrlInstalled, "url"],
      [byGitInstalled, "git"],
    ] as const) {
      const roles = join(work, `roles-${name}`);
      const r = await installed;
      expect(r.status, r.all).toBe(0);
      expect(r.stdout).toContain("kdumpwatch_agent");
      expect(roleTree(join(roles, "kdumpwatch_agent")), name).toEqual(
        roleTree(join(fromPath, "kdumpwatch_agent")),
      );
    }
    const list = run("ansible-galaxy", ["role", "list", "-p", join(work, "roles-git")], {
      env: ansibleEnv(),
    });
    expect(list.stdout).toContain(`- kdumpwatch_agent, ${byGit?.version}`);
  });
});

/** The role installed from the archive's path (once per file; the galaxy tests check it). */
let installedRoles: string | undefined;
function installRole(): string {
  if (installedRoles) return installedRoles;
  const roles = tempDir("kdw-roles-path-");
  const r = run(
    "ansible-galaxy",
    ["role", "install", "-p", roles, `${archive},v${version},kdumpwatch_agent`],
    {
      env: ansibleEnv(),
    },
  );
  expect(r.status, r.all).toBe(0);
  installedRoles = roles;
  return roles;
}

const TOKEN = "enroll-ansible-test-0123456789";

interface FirstRun {
  server: ServerProcess;
  url: string;
  /** kdumpwatch_root of host `h` is `${roots}/${h}` */
  roots: string;
  apply: (args: string[]) => Ran;
  out: Ran;
}

/**
 * The installed role applied (once) to four "hosts", all this machine over the local connection,
 * each with its own kdumpwatch_root and PATH for the tasks: `localhost` as it is, `old` with a node
 * that says v10.18.1 first on PATH, `none` without node (neither of those two may install one), and
 * `stale` with that old node and `coreutils` as the package that should provide a newer one.
 */
let firstRun: Promise<FirstRun> | undefined;
function applyRole(): Promise<FirstRun> {
  firstRun ??= (async () => {
    // the server starts while the role is installed
    const server = ServerProcess.start({
      adminToken: "admin-ansible-test-0123456789",
      enrollToken: TOKEN,
      env: { KDUMPWATCH_DATA_DIR: join(tempDir("kdw-ansible-data-"), "pglite") },
    });
    const roles = installRole();
    const url = await server.url();
    const old = tempDir("kdw-old-node-");
    writeFileSync(join(old, "node"), "#!/bin/sh\necho v10.18.1\n");
    chmodSync(join(old, "node"), 0o755);
    const dir = tempDir("kdw-play-");
    const roots = tempDir("kdw-ansible-root-");
    const local = "ansible_connection=local ansible_python_interpreter=/usr/bin/python3";
    writeFileSync(
      join(dir, "hosts.ini"),
      [
        `localhost ${local} kdw_path=${process.env.PATH}`,
        `old ${local} kdw_path=${old}:/usr/bin:/bin kdumpwatch_install_nodejs=false`,
        `none ${local} kdw_path=${tempDir("kdw-no-node-")} kdumpwatch_install_nodejs=false`,
        // may "install" only a package that is surely there already (a no-op): the install path runs,
        // node is read again and is still too old
        `stale ${local} kdw_path=${old}:/usr/bin:/bin:/usr/sbin:/sbin kdumpwatch_nodejs_packages='["coreutils"]'`,
        "",
      ].join("\n"),
    );
    // JSON is YAML: the play as a user would write it, the role's settings under `vars`
    writeFileSync(
      join(dir, "play.yml"),
      JSON.stringify([
        {
          name: "Install the kdumpwatch agent on this machine",
          hosts: "all",
          gather_facts: true,
          gather_subset: ["min"],
          environment: { PATH: "{{ kdw_path }}" },
          roles: [
            {
              role: "kdumpwatch_agent",
              vars: {
                kdumpwatch_server_url: url,
                kdumpwatch_enroll_token: TOKEN,
                kdumpwatch_interval: 45,
                kdumpwatch_root: `${roots}/{{ inventory_hostname }}`,
              },
            },
          ],
        },
      ]),
    );
    // `gather_facts: true` gathers on the first run; the second (the same machine) reads the facts
    // the first one cached instead of gathering them again
    const playOptions = {
      env: ansibleEnv({
        ANSIBLE_ROLES_PATH: roles,
        ANSIBLE_GATHERING: "smart",
        ANSIBLE_CACHE_PLUGIN: "jsonfile",
        ANSIBLE_CACHE_PLUGIN_CONNECTION: tempDir("kdw-ansible-facts-"),
      }),
    };
    const playArgs = (args: string[]) => ["-i", join(dir, "hosts.ini"), ...args, join(dir, "play.yml")];
    const apply = (args: string[]) => run("ansible-playbook", playArgs(args), playOptions);
    const out = await runAsync("ansible-playbook", playArgs([]), playOptions);
    return { server, url, roots, apply, out };
  })();
  return firstRun;
}

/** The lines of the role's task named `task` for `host`; the task must have run. */
function taskResult(output: string, task: string, host: string): string {
  const lines = taskLines(output, `kdumpwatch_agent : ${task}`, host);
  expect(lines, `task "${task}" ran on ${host}`).not.toBe("");
  return lines;
}

describe("the installed role, run against this machine", () => {
  test("installs the agent, which reports to a real server; a second run changes nothing", async () => {
    const { server, url, roots, apply, out: first } = await applyRole();
    const root = join(roots, "localhost");
    const localhost = playRecap(first.stdout).localhost;
    expect(localhost, first.all).toMatchObject({ failed: 0, unreachable: 0 });
    expect(localhost?.changed, first.stdout).toBeGreaterThan(0);
    // this machine's node (>= 10.19) is kept: no package manager is asked for anything
    expect(taskResult(first.stdout, "Install Node.js from the distribution", "localhost")).toMatch(
      /^skipping:/,
    );
    expect(taskResult(first.stdout, "Refuse a host without Node.js >= 10.19.0", "localhost")).toMatch(
      /"msg": "Node\.js v\d+\.\d+\.\d+ \(>= 10\.19\.0\)"/,
    );
    // and systemd is left alone, with the command that starts the agent instead
    expect(taskResult(first.stdout, "Enable and start the agent", "localhost")).toMatch(/^skipping:/);
    expect(
      taskResult(first.stdout, "Say how to start the agent where systemd does not run it", "localhost"),
    ).toContain(
      `${root}/usr/lib/kdumpwatch/kdumpwatch-agent-start run --config ${root}/etc/kdumpwatch/agent.json`,
    );

    const lib = join(root, "usr/lib/kdumpwatch");
    expect(readFileSync(join(lib, "kdumpwatch-agent.cjs")).equals(readFileSync(agentBundle))).toBe(true);
    expect(mode(join(lib, "kdumpwatch-agent.cjs"))).toBe("0755");
    expect(mode(join(lib, "kdumpwatch-agent-start"))).toBe("0755");
    expect(mode(join(root, "etc/kdumpwatch/agent.json"))).toBe("0600");
    expect(mode(join(root, "var/lib/kdumpwatch"))).toBe("0700");
    expect(JSON.parse(readFileSync(join(root, "etc/kdumpwatch/agent.json"), "utf8"))).toEqual({
      server: url,
      enrollToken: TOKEN,
      interval: 45,
    });
    const unit = readFileSync(join(root, "etc/systemd/system/kdumpwatch-agent.service"), "utf8");
    expect(unit).toBe(readFileSync(join(systemd, "kdumpwatch-agent.service"), "utf8"));

    // start the agent as the installed unit does, its paths below the root
    const exec = /^ExecStart=(.+)$/m.exec(unit)?.[1]?.split(/\s+/) ?? [];
    const unitEnv = Object.fromEntries(
      [...unit.matchAll(/^Environment=(\w+)=(\S*)$/gm)].map((m) => [
        m[1],
        (m[2] as string).startsWith("/") ? join(root, m[2] as string) : m[2],
      ]),
    );
    expect(exec).toEqual(["/usr/lib/kdumpwatch/kdumpwatch-agent-start", "run"]);
    expect(unitEnv).toEqual({ KDUMPWATCH_STATE_DIR: join(root, "var/lib/kdumpwatch") });
    const agent = spawn(
      join(root, exec[0] as string),
      [...exec.slice(1), "--config", join(root, "etc/kdumpwatch/agent.json")],
      { env: { PATH: process.env.PATH, ...unitEnv }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    agent.stderr?.setEncoding("utf8").on("data", (c: string) => (log += c));
    const until = Date.now() + 60_000;
    while (!log.includes("snapshot acknowledged") && Date.now() < until && agent.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const stopped = new Promise<number | null>((r) =>
      agent.exitCode === null ? agent.once("exit", (code) => r(code)) : r(agent.exitCode),
    );
    agent.kill("SIGTERM");
    expect(await stopped, log).toBe(0);
    expect(log, "the agent the role installed reported").toContain("snapshot acknowledged");
    const { hosts } = await server.api("/api/hosts", HostListSchema);
    expect(hosts, JSON.stringify(hosts)).toHaveLength(1);
    expect(hosts[0]?.hostname).toBe(hostname());
    expect(hosts[0]?.agentVersion).toBe(version);
    expect(VERDICTS).toContain(hosts[0]?.verdict);
    expect(mode(join(root, "var/lib/kdumpwatch/credential.json")), "the host's own credential").toBe("0600");

    // idempotent: the second run (after the agent wrote its credential) changes nothing
    const second = apply(["--limit", "localhost"]);
    expect(second.status, second.all).toBe(0);
    expect(playRecap(second.stdout).localhost, second.stdout).toMatchObject({ changed: 0, failed: 0 });

    expect(snapshotSystemPaths(), "nothing written outside kdumpwatch_root").toEqual(systemBefore);
    const pid1 = run("ps", ["-p", "1", "-o", "comm="]).stdout.trim();
    expect(pid1, "with systemd as PID 1 the role would enable and start the unit instead").not.toBe(
      "systemd",
    );
  }, 240_000);

  test("refuses a Node.js older than 10.19, or none, also after installing packages, naming what it found and the minimum", async () => {
    const { roots, out } = await applyRole();
    expect(out.status, "a failed host fails the run").toBe(2);
    const hosts = playRecap(out.stdout);
    expect(hosts.old, out.stdout).toMatchObject({ failed: 1, changed: 0 });
    expect(hosts.none, out.stdout).toMatchObject({ failed: 1, changed: 0 });
    const task = "Refuse a host without Node.js >= 10.19.0";
    expect(taskResult(out.stdout, task, "old")).toContain(
      '"msg": "Node.js v10.18.1 is too old on old: the kdumpwatch agent needs Node.js >= 10.19.0 (kdumpwatch_install_nodejs is false; set kdumpwatch_nodejs_packages, or install a newer Node.js first)"',
    );
    expect(taskResult(out.stdout, task, "none")).toContain(
      '"msg": "there is no node on PATH on none: the kdumpwatch agent needs Node.js >= 10.19.0 (kdumpwatch_install_nodejs is false;',
    );
    expect(hosts.stale, out.stdout).toMatchObject({ failed: 1, changed: 0 });
    expect(taskResult(out.stdout, "Install Node.js from the distribution", "stale")).toMatch(/^ok:/);
    expect(taskResult(out.stdout, task, "stale")).toContain(
      '"msg": "Node.js v10.18.1 is too old on stale: the kdumpwatch agent needs Node.js >= 10.19.0 (the packages coreutils did not provide one;',
    );
    expect(readdirSync(roots).sort(), "nothing installed on a host that was refused").toEqual(["localhost"]);
  }, 240_000);
});
