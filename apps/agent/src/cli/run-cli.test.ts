import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CheckResult, emptyFacts, type HostFacts, type Snapshot, type Verdict } from "@kdumpwatch/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { CliIo } from "./io.ts";
import { runCli } from "./run-cli.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kdw-cli-"));
  mkdirSync(join(dir, "proc"));
  writeFileSync(join(dir, "proc/cmdline"), "ro crashkernel=512M-:192M\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeIo(options: { tty?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTty: options.tty ?? false,
    env: options.env ?? {},
    now: () => new Date("2026-01-21T08:00:00Z"),
  };
  return { io, out: () => out.join(""), err: () => err.join("") };
}

const failing: CheckResult = {
  id: "crashkernel.reserved",
  status: "fail",
  summary: "No memory is reserved for the capture kernel",
  evidence: [{ source: "dmesg", text: "crashkernel: invalid size\u001b[2J" }],
  remediation: ["Pick a smaller crashkernel= value", "sudo update-grub && sudo reboot"],
};
const passing: CheckResult = {
  id: "kdump.tools-installed",
  status: "pass",
  summary: "kdump-tools is installed",
  evidence: [],
};

function deps(verdict: Verdict, seen: Snapshot[] = []) {
  const facts: HostFacts = emptyFacts("2026-01-21T08:00:00.000Z");
  return {
    judge: (snapshot: Snapshot) => {
      seen.push(snapshot);
      return { verdict, checks: [passing, failing], facts };
    },
    run: async () => 0,
  };
}

describe("runCli", () => {
  test.each([
    ["ready", 0],
    ["at_risk", 1],
    ["not_ready", 2],
    ["unknown", 3],
  ] as const)("check exits with the verdict's status: %s → %i", async (verdict, code) => {
    const { io } = fakeIo();
    expect(await runCli(["check", "--root", dir], io, deps(verdict))).toBe(code);
  });

  test("check --json prints exactly { verdict, checks, facts }, judged from the capture's evidence", async () => {
    const seen: Snapshot[] = [];
    const { io, out } = fakeIo();
    await runCli(["check", "--root", dir, "--json"], io, deps("not_ready", seen));
    const printed = JSON.parse(out());
    expect(Object.keys(printed)).toEqual(["verdict", "checks", "facts"]);
    expect(printed.verdict).toBe("not_ready");
    expect(printed.checks[1]).toEqual(failing);
    expect(seen[0]?.sources.cmdline).toMatchObject({ ok: true, text: "ro crashkernel=512M-:192M\n" });
  });

  test("human output puts the verdict first, then the failing check with evidence and fix, and skips passes", async () => {
    const { io, out } = fakeIo();
    await runCli(["check", "--root", dir], io, deps("not_ready"));
    const text = out();
    expect(text.split("\n")[0]).toMatch(/^NOT READY/);
    expect(text).toContain("FAIL    crashkernel.reserved");
    expect(text).toContain("dmesg: crashkernel: invalid size");
    expect(text).toContain("fix: Pick a smaller crashkernel= value");
    expect(text).toContain("sudo update-grub && sudo reboot");
    expect(text).not.toContain("kdump-tools is installed");
    expect(text, "no colour when stdout is not a terminal").not.toContain("\u001b[");
  });

  test("colour only on a terminal and only while NO_COLOR is unset; host text never carries escapes", async () => {
    const tty = fakeIo({ tty: true });
    await runCli(["check", "--root", dir], tty.io, deps("ready"));
    expect(tty.out()).toContain("\u001b[32;1mREADY");
    expect(tty.out(), "the evidence's own escape sequence is stripped").not.toContain("\u001b[2J");

    const noColor = fakeIo({ tty: true, env: { NO_COLOR: "1" } });
    await runCli(["check", "--root", dir], noColor.io, deps("ready"));
    expect(noColor.out()).not.toContain("\u001b[");
  });

  test("an argument error exits 64 with a message and a pointer to --help, nothing on stdout", async () => {
    const { io, out, err } = fakeIo();
    expect(await runCli(["check", "--jsn"], io, deps("ready"))).toBe(64);
    expect(err()).toMatch(/unknown option '--jsn'[\s\S]*--help/);
    expect(out()).toBe("");
  });

  test("--root that does not exist exits 64 and names the directory", async () => {
    const { io, err } = fakeIo();
    expect(await runCli(["check", "--root", join(dir, "nope")], io, deps("ready"))).toBe(64);
    expect(err()).toMatch(/--root .*nope: no such directory/);
  });

  test("collect --out refuses a non-empty directory (64) and writes a capture into a new one", async () => {
    const busy = fakeIo();
    expect(await runCli(["collect", "--root", dir, "--out", dir], busy.io, deps("ready"))).toBe(64);
    expect(busy.err()).toMatch(/not empty/);

    const out = join(dir, "..", `${readdirSync(dir).length}-kdw-out-${process.pid}`);
    const ok = fakeIo();
    expect(await runCli(["collect", "--root", dir, "--out", out], ok.io, deps("ready"))).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["kdumpwatch.json", "proc"]);
    rmSync(out, { recursive: true, force: true });
  });

  test("collect without --out prints the raw snapshot as one JSON object", async () => {
    const { io, out } = fakeIo();
    expect(await runCli(["collect", "--root", dir], io, deps("ready"))).toBe(0);
    const snapshot = JSON.parse(out());
    expect(snapshot.collectedAt).toBe("2026-01-21T08:00:00.000Z");
    expect(snapshot.sources.cmdline.text).toBe("ro crashkernel=512M-:192M\n");
  });

  test("--version and --help print and exit 0; run is handed its own arguments", async () => {
    const v = fakeIo();
    expect(await runCli(["--version"], v.io, deps("ready"))).toBe(0);
    expect(v.out()).toMatch(/^kdumpwatch-agent \S+\n$/);
    const h = fakeIo();
    expect(await runCli(["--help"], h.io, deps("ready"))).toBe(0);
    expect(h.out()).toMatch(/kdumpwatch-agent check +judge whether this host/);
    const seen: string[][] = [];
    const run = fakeIo();
    const fakeRun = async (a: string[]) => {
      seen.push(a);
      return 0;
    };
    await runCli(["run", "--once"], run.io, { ...deps("ready"), run: fakeRun });
    expect(seen).toEqual([["--once"]]);
  });
});
