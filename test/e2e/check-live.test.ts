import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runAgent, STACK_TRACE } from "./support/agents.ts";
import { agentBundle, removeTempDirs, requireBuilt, tempDir } from "./support/server-process.ts";

interface Judged {
  verdict: string;
  checks: { id: string; status: string; summary: string; remediation?: string[] }[];
  facts: Record<string, unknown>;
}

afterAll(removeTempDirs);

/**
 * The bundle on THIS machine, which is not set up for kdump (no kdump tooling, no crashkernel=,
 * a kernel without /sys/kernel/kexec_crash_*): a clear not_ready/unknown with reasons, never a
 * stack trace; and a capture of it judges the same.
 */
describe("check on this (unprepared) machine", () => {
  test("prints a clear not_ready/unknown verdict with reasons and fixes, exit 2 or 3, no stack trace", () => {
    const run = runAgent(["check"]);
    expect([2, 3], `exit ${run.status}\n${run.stdout}\n${run.stderr}`).toContain(run.status);
    expect(run.stderr + run.stdout).not.toMatch(STACK_TRACE);
    const lines = run.stdout.split("\n");
    expect(lines[0], run.stdout).toMatch(/^(NOT READY|UNKNOWN): /);
    expect(run.stdout, "each blocking check is named with its status").toMatch(/^(FAIL|UNKNOWN) +\S+\.\S+$/m);
    expect(run.stdout, "and comes with a fix").toMatch(/^ {2}fix: \S/m);
    expect(run.stdout, "no colour on a pipe").not.toContain("\u001b[");
  });

  test("--json gives the same verdict with the failing checks, the facts and remediation for each", () => {
    const human = runAgent(["check"]);
    const run = runAgent(["check", "--json"]);
    const judged = JSON.parse(run.stdout) as Judged;
    expect(["not_ready", "unknown"]).toContain(judged.verdict);
    expect(run.status).toBe(judged.verdict === "not_ready" ? 2 : 3);
    expect(human.status, "human and JSON output judge alike").toBe(run.status);
    const blocking = judged.checks.filter((c) => c.status === "fail" || c.status === "unknown");
    expect(blocking.length, JSON.stringify(judged.checks, null, 2)).toBeGreaterThan(0);
    for (const c of blocking) expect(c.remediation?.length, `${c.id} has no remediation`).toBeGreaterThan(0);
    expect(Object.keys(judged.facts)).toEqual(
      expect.arrayContaining(["crashkernel", "reservation", "kdump", "sysrq", "memory"]),
    );
  });

  test("the bundle copied alone into an empty folder runs with plain node (no node_modules)", () => {
    const alone = tempDir("kdw-bundle-alone-");
    const copy = join(alone, "kdumpwatch-agent.cjs");
    requireBuilt(agentBundle, "pnpm --filter @kdumpwatch/agent build");
    copyFileSync(agentBundle, copy);
    expect(readdirSync(alone)).toEqual(["kdumpwatch-agent.cjs"]);
    const version = runAgent(["--version"], { bundle: copy, cwd: alone });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^kdumpwatch-agent \d+\.\d+\.\d+/);
    const check = runAgent(["check", "--json"], { bundle: copy, cwd: alone });
    expect([2, 3], check.stderr).toContain(check.status);
    expect(JSON.parse(check.stdout).verdict).toMatch(/^(not_ready|unknown)$/);
  });

  test("collect --out writes a capture that check --root judges exactly like the live host", () => {
    const out = join(tempDir("kdw-live-capture-"), "capture");
    const collect = runAgent(["collect", "--out", out]);
    expect(collect.status, collect.stderr).toBe(0);
    expect(existsSync(join(out, "proc/cmdline")), "files at their real paths").toBe(true);
    expect(existsSync(join(out, "kdumpwatch.json")), "the collection record").toBe(true);

    const live = JSON.parse(runAgent(["check", "--json"]).stdout) as Judged;
    const replay = runAgent(["check", "--root", out, "--json"]);
    const captured = JSON.parse(replay.stdout) as Judged;
    expect(captured.verdict).toBe(live.verdict);
    const statusOf = (j: Judged) => Object.fromEntries(j.checks.map((c) => [c.id, c.status]));
    expect(statusOf(captured), "every check judges the capture as it judged the host").toEqual(
      statusOf(live),
    );
    expect(replay.status).toBe(live.verdict === "not_ready" ? 2 : 3);
  });

  test("usage errors exit 64 with one clear line, never a stack trace", () => {
    const missing = runAgent(["check", "--root", "/nonexistent/kdumpwatch-capture"]);
    expect(missing.status).toBe(64);
    expect(missing.stderr).toMatch(/--root \/nonexistent\/kdumpwatch-capture: no such directory/);
    const bogus = runAgent(["check", "--frobnicate"]);
    expect(bogus.status).toBe(64);
    expect(bogus.stderr).toMatch(/unknown option '--frobnicate'/);
    for (const r of [missing, bogus]) expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});
