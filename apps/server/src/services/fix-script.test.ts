import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { FAMILY_LABELS, fixRecipe } from "./fix-recipes.ts";
import { ansiblePlay, partitionHosts, shellQuote, shellScript } from "./fix-script.ts";

const dir = mkdtempSync(join(tmpdir(), "kdw-fix-script-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const recipe = fixRecipe("kdump.tools-installed", "debian");
if (!recipe) throw new Error("the Debian tools recipe exists");
const hostile = [
  { id: "1", hostname: "web-01.example.com" },
  { id: "2", hostname: "-oProxyCommand=touch pwned" },
  { id: "3", hostname: "a'; touch pwned; '" },
  { id: "4", hostname: "$(touch pwned)" },
  { id: "5", hostname: "{{ lookup('pipe','touch pwned') }}" },
  { id: "6", hostname: "db_2" },
  { id: "7", hostname: "db_2" },
];

describe("fix scripts", () => {
  test("only plain hostnames go into a script; the others are listed with the reason", () => {
    const { included, excluded } = partitionHosts(hostile);
    expect(included.map((h) => h.hostname)).toEqual(["web-01.example.com", "db_2"]);
    expect(excluded.map((h) => h.id)).toEqual(["2", "3", "4", "5", "7"]);
  });

  test.each(["plain", "it's", "$(x) `y` \\z", "a\nb"])("shellQuote(%j) reads back exactly in sh", (text) => {
    expect(execFileSync("sh", ["-c", `printf %s ${shellQuote(text)}`]).toString()).toBe(text);
  });

  test("the shell script runs ssh once per host with the name as a single argument after --, and reports failures", () => {
    const { included } = partitionHosts(hostile);
    const script = shellScript({
      check: "kdump.tools-installed",
      family: "debian",
      recipe,
      hosts: included,
      generatedAt: "2026-11-26T10:00:00Z",
    });
    expect(script).toContain(FAMILY_LABELS.debian);
    // a stand-in ssh on PATH records its arguments and the commands it was sent, and fails for db_2
    const bin = join(dir, "bin");
    execFileSync("mkdir", ["-p", bin]);
    const log = join(dir, "ssh.log");
    writeFileSync(
      join(bin, "ssh"),
      `#!/bin/sh\nprintf '%s|' "$@" >> ${shellQuote(log)}\necho >> ${shellQuote(log)}\ncat >> ${shellQuote(`${log}.stdin`)}\n[ "$4" != db_2 ]\n`,
    );
    chmodSync(join(bin, "ssh"), 0o755);
    writeFileSync(join(dir, "fix.sh"), script);
    const run = spawnSync("sh", [join(dir, "fix.sh")], { cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(run.status, run.stderr.toString()).toBe(1);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "-o|BatchMode=yes|--|web-01.example.com|sudo|sh|-eu|-s|",
      "-o|BatchMode=yes|--|db_2|sudo|sh|-eu|-s|",
    ]);
    expect(readFileSync(`${log}.stdin`, "utf8")).toContain("apt-get install -y kdump-tools");
    expect(run.stdout.toString()).toContain("ok: web-01.example.com");
    expect(run.stderr.toString()).toContain("FAILED: db_2");
    expect(existsSync(join(dir, "pwned"))).toBe(false);
  });

  const PLAYS = [
    ["kdump.tools-installed", "debian"],
    ["crashkernel.param", "debian"],
    ["kdump.enabled", "debian"],
    ["kdump.tools-installed", "el"],
    ["crashkernel.param", "el"],
    ["kdump.tools-installed", "suse"],
    ["panic.on-oops", "el"],
  ] as const;
  const syntaxCheck = (...files: string[]) =>
    spawnSync("ansible-playbook", ["-i", "web-01,", "--syntax-check", ...files], {
      env: { ...process.env, ANSIBLE_LOCAL_TEMP: dir, ANSIBLE_HOME: dir, ANSIBLE_NOCOLOR: "1" },
    });
  function writePlay(check: (typeof PLAYS)[number][0], family: (typeof PLAYS)[number][1]) {
    const r = fixRecipe(check, family);
    if (!r) throw new Error("recipe exists");
    const play = ansiblePlay({
      check,
      family,
      recipe: r,
      hosts: [{ id: "1", hostname: "web-01" }],
      generatedAt: "x",
    });
    const file = join(dir, `${check}-${family}.yml`);
    writeFileSync(file, play);
    return { play, file };
  }
  /**
   * One ansible-playbook (a Python start-up of ~1 s) checks every play: it exits 0 only when each of
   * them passes. Only when it does not is a play checked again alone, so that the failing one says so.
   */
  let all: ReturnType<typeof syntaxCheck> | undefined;

  test.each(PLAYS)(
    "the Ansible play for %s on %s passes ansible-playbook --syntax-check",
    (check, family) => {
      all ??= syntaxCheck(...PLAYS.map(([c, f]) => writePlay(c, f).file));
      const { play, file } = writePlay(check, family);
      const res = all.status === 0 ? all : syntaxCheck(file);
      expect(res.status, `${res.stdout}${res.stderr}\n${play}`).toBe(0);
    },
  );

  test.each(["kdump.enabled", "crashkernel.param", "kdump.kernel-links"])(
    "the Debian %s snippet is valid sh",
    (check) => {
      const r = fixRecipe(check, "debian");
      const res = spawnSync("sh", ["-n"], { input: r?.sh ?? "" });
      expect(res.status, res.stderr.toString()).toBe(0);
    },
  );
});
