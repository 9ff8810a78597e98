import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyFacts, judgeSnapshot, type Snapshot } from "@kdumpwatch/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Judged } from "../cli/format-human.ts";
import type { CliIo } from "../cli/io.ts";
import { runCli } from "../cli/run-cli.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kdw-roots-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A capture directory named after the verdict the fake judge gives it (its proc/cmdline says which). */
function capture(name: string, cmdline = `ro ${name}\n`): string {
  const root = join(dir, name);
  mkdirSync(join(root, "proc"), { recursive: true });
  writeFileSync(join(root, "proc/cmdline"), cmdline);
  return root;
}

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTty: false,
    env: {},
    now: () => new Date("2026-01-21T08:00:00Z"),
  };
  return { io, out: () => out.join(""), err: () => err.join("") };
}

/** Judges a capture by the verdict its cmdline names (`ro not_ready`), so each root's outcome is known. */
const byCmdline = {
  judge: (snapshot: Snapshot): Judged => {
    const source = snapshot.sources.cmdline;
    const text = source?.ok ? source.text : "";
    const verdict = (["at_risk", "not_ready", "unknown"] as const).find((v) => text.includes(v)) ?? "ready";
    return { verdict, checks: [], facts: emptyFacts("2026-01-21T08:00:00.000Z") };
  },
  run: async () => 0,
};
const realJudge = { judge: judgeSnapshot, run: async () => 0 };

describe("check with several --root", () => {
  test("--json prints one array of { root, exitCode, report }, each report byte for byte what check --root DIR --json prints alone", async () => {
    const a = capture("a", "BOOT_IMAGE=/vmlinuz ro crashkernel=512M-:192M\n");
    const b = capture("b", "BOOT_IMAGE=/vmlinuz ro quiet\n");
    const many = fakeIo();
    await runCli(["check", "--root", a, "--root", b, "--root", a, "--json"], many.io, realJudge);
    expect(many.err()).toBe("");
    const printed = JSON.parse(many.out()) as { root: string; exitCode: number; report: unknown }[];
    expect(many.out(), "indented by two, one newline at the end").toBe(
      `${JSON.stringify(printed, null, 2)}\n`,
    );
    expect(printed.map((e) => Object.keys(e))).toEqual([
      ["root", "exitCode", "report"],
      ["root", "exitCode", "report"],
      ["root", "exitCode", "report"],
    ]);
    expect(printed.map((e) => e.root)).toEqual([a, b, a]);
    const alone: number[] = [];
    for (const [i, root] of [a, b, a].entries()) {
      const one = fakeIo();
      alone.push(await runCli(["check", "--root", root, "--json"], one.io, realJudge));
      const entry = printed[i];
      expect(`${JSON.stringify(entry?.report, null, 2)}\n`, `${root}: the report`).toBe(one.out());
      expect(entry?.exitCode, `${root}: the status`).toBe(alone[i]);
    }
    expect(new Set(printed.map((e) => JSON.stringify(e.report))).size, "a and b are judged apart").toBe(2);
  });

  test("text prints each report under a '==> DIR <==' heading, in the order given, then a tally", async () => {
    const roots = [capture("ready"), capture("not_ready"), capture("at_risk")];
    const { io, out, err } = fakeIo();
    expect(await runCli(["check", ...roots.flatMap((r) => ["--root", r])], io, byCmdline)).toBe(2);
    expect(err()).toBe("");
    const text = out();
    const headings = text.split("\n").filter((line) => line.startsWith("==> "));
    expect(headings).toEqual(roots.map((r) => `==> ${r} <==`));
    const sections = text.split(/^==> .* <==\n/m);
    expect(sections[0], "nothing before the first heading").toBe("");
    expect(sections[1]).toMatch(/^READY: [^\n]*\ncapture .*\/ready: /);
    expect(sections[2]).toMatch(/^NOT READY: [^\n]*\ncapture .*\/not_ready: /);
    expect(sections[3]).toMatch(/^AT RISK: /);
    expect(text.endsWith("\n\n3 roots: 1 ready, 1 at_risk, 1 not_ready.\n"), text.slice(-200)).toBe(true);
  });

  test.each([
    [["ready", "ready"], 0],
    [["ready", "at_risk"], 1],
    [["at_risk", "unknown"], 3],
    [["unknown", "not_ready"], 2],
    [["not_ready", "unknown", "at_risk"], 2],
    [["ready", "missing"], 64],
    [["not_ready", "missing", "unknown"], 64],
  ] as [string[], number][])(
    "the exit status of %j is the worst of the roots' own: %i",
    async (names, code) => {
      const roots = names.map((n) => (n === "missing" ? join(dir, "missing") : capture(n)));
      for (const json of [false, true]) {
        const { io } = fakeIo();
        const argv = ["check", ...roots.flatMap((r) => ["--root", r]), ...(json ? ["--json"] : [])];
        expect(await runCli(argv, io, byCmdline), `json ${json}`).toBe(code);
      }
    },
  );

  test("a root that cannot be read is named on stderr and in its entry (status 64); the others are still judged", async () => {
    const good = [capture("at_risk"), capture("ready")];
    const missing = join(dir, "missing");
    const file = join(dir, "a-file");
    writeFileSync(file, "not a capture\n");
    const roots = [good[0], missing, file, good[1]] as string[];
    const argv = ["check", ...roots.flatMap((r) => ["--root", r])];

    const json = fakeIo();
    expect(await runCli([...argv, "--json"], json.io, byCmdline)).toBe(64);
    expect(JSON.parse(json.out())).toEqual([
      { root: good[0], exitCode: 1, report: expect.objectContaining({ verdict: "at_risk" }) },
      { root: missing, exitCode: 64, error: `--root ${missing}: no such directory` },
      { root: file, exitCode: 64, error: `--root ${file}: not a directory` },
      { root: good[1], exitCode: 0, report: expect.objectContaining({ verdict: "ready" }) },
    ]);
    expect(json.err()).toBe(
      `kdumpwatch-agent: check: --root ${missing}: no such directory\n` +
        `kdumpwatch-agent: check: --root ${file}: not a directory\n`,
    );

    const text = fakeIo();
    expect(await runCli(argv, text.io, byCmdline)).toBe(64);
    expect(text.out()).toContain(
      `==> ${missing} <==\nnot judged: --root ${missing}: no such directory\n\n==> `,
    );
    expect(text.out()).toMatch(/==> .*\/ready <==\nREADY: /);
    expect(text.out().endsWith("\n4 roots: 1 ready, 1 at_risk; 2 not judged.\n"), text.out()).toBe(true);
    expect(text.err()).toBe(json.err());
  });

  test("one --root prints what it always did: one object or one report, no heading, no tally", async () => {
    const root = capture("not_ready");
    const json = fakeIo();
    expect(await runCli(["check", "--root", root, "--json"], json.io, byCmdline)).toBe(2);
    expect(json.out()).toBe(
      `${JSON.stringify({ verdict: "not_ready", checks: [], facts: emptyFacts("2026-01-21T08:00:00.000Z") }, null, 2)}\n`,
    );
    const text = fakeIo();
    expect(await runCli(["check", "--root", root], text.io, byCmdline)).toBe(2);
    expect(text.out()).toMatch(/^NOT READY: /);
    expect(text.out()).not.toMatch(/==>|roots:/);
  });
});
