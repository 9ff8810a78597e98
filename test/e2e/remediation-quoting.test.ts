/**
 * Host text is data, never code (issue 12 §5): a dump directory name an attacker controls, put into
 * a remediation command, comes back from a real /bin/sh as exactly one argument, unchanged — no
 * command substitution, no word splitting, no globbing.
 */
import { spawnSync } from "node:child_process";
import { checkCrashDumps, checkDumpTargetCapacity, emptyFacts, shellCommand } from "@kdumpwatch/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";

/** The argv a real shell builds from `line`, with its program words replaced by a printer. */
function shellArgv(line: string, program: string): string[] {
  expect(line.startsWith(`${program} `), line).toBe(true);
  const script = `printf '%s\\0' ${line.slice(program.length + 1)}`;
  const r = spawnSync("/bin/sh", ["-c", script], { encoding: "buffer", env: { PATH: "/usr/bin:/bin" } });
  expect(r.status, r.stderr.toString()).toBe(0);
  const out = r.stdout.toString("utf8");
  return out.split("\0").slice(0, -1);
}

const SHELL_SYNTAX = [
  "$(touch /tmp/kdw-pwned)",
  "`id`",
  "'",
  '"',
  "\\",
  ";",
  "|",
  "&",
  "*",
  "?",
  "~",
  " ",
  "\n",
  "\t",
  "$IFS",
  "#",
  "!",
  "{a,b}",
  ">x",
  "<y",
  "a",
  "/",
  "-",
  "é",
  "☃",
];
/**
 * Any character (no surrogate halves): what `fc.string({ unit: "binary" })` yields, without the
 * code point table fast-check 4.10 builds for that unit on first use (seconds of CPU; see
 * packages/core/src/testing/any-text.ts, whose tests cover this same mapping).
 */
const anyChar = fc
  .integer({ min: 0, max: 0x10ffff - 0x800 })
  .map((i) => String.fromCodePoint(i < 0xd800 ? i : i + 0x800));

const hostile = fc
  .oneof(
    fc.array(fc.constantFrom(...SHELL_SYNTAX), { minLength: 1, maxLength: 12 }).map((a) => a.join("")),
    fc.string({ unit: anyChar, minLength: 1, maxLength: 40 }),
  )
  // argv cannot hold NUL, and printf would read a lone surrogate's replacement back differently
  .filter((s) => !s.includes("\u0000") && s === Buffer.from(s, "utf8").toString("utf8"));

describe("remediation commands quote host-derived names", () => {
  test("shellCommand round-trips generated hostile names through /bin/sh", () => {
    fc.assert(
      fc.property(hostile, (name) => {
        expect(shellArgv(shellCommand("sudo ls -lR", name), "sudo ls -lR")).toEqual([name]);
      }),
      { numRuns: 150 },
    );
  });

  test("the commands rules print for a hostile dump directory parse back to that directory", () => {
    fc.assert(
      fc.property(hostile, (dir) => {
        const facts = emptyFacts();
        facts.dumpTarget.coredir = dir;
        const dumps = checkCrashDumps(facts, new Date());
        expect(shellArgv(dumps.remediation![0]!, "sudo ls -lR")).toEqual([dir]);
        const df = checkDumpTargetCapacity(facts);
        expect(shellArgv(df.remediation![0]!, "df -P -k")).toEqual([dir]);
      }),
      { numRuns: 100 },
    );
  });
});
