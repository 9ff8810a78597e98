/**
 * Host text is data, never code (issue 12 §5): a dump directory name an attacker controls, put into
 * a remediation command, comes back from a real /bin/sh as exactly one argument, unchanged — no
 * command substitution, no word splitting, no globbing.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkCrashDumps, checkDumpTargetCapacity, emptyFacts, shellCommand } from "@kdumpwatch/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * Runs each script in a fresh `/bin/sh -c` (stdin empty, as spawnSync gave it), forked from one small
 * bash loop fed on stdin instead of from the test worker: a spawnSync per case forks the worker's
 * large heap and spins up a loop of its own, 350 times. A script goes in NUL-terminated (it holds no
 * NUL); its output comes back followed by a NUL, a per-run nonce and its exit status.
 */
class ShellLoop {
  readonly #nonce = randomBytes(16).toString("hex");
  readonly #errFile = join(mkdtempSync(join(tmpdir(), "kdw-quoting-")), "stderr");
  readonly #child = spawn(
    "/bin/bash",
    [
      "-c",
      'while IFS= read -r -d "" script; do /bin/sh -c "$script" 2>"$1" </dev/null; printf "\\0%s %d\\n" "$2" "$?"; done',
      "shell-loop",
      this.#errFile,
      this.#nonce,
    ],
    { env: { PATH: "/usr/bin:/bin" }, stdio: ["pipe", "pipe", "inherit"] },
  );
  #out = Buffer.alloc(0);
  #waiting: (() => void) | null = null;

  constructor() {
    this.#child.stdout.on("data", (d: Buffer) => {
      this.#out = Buffer.concat([this.#out, d]);
      this.#waiting?.();
    });
  }

  /** The script's stdout, exit status and stderr. */
  async run(script: string): Promise<{ stdout: Buffer; status: number; stderr: string }> {
    this.#child.stdin.write(`${script}\0`);
    const end = new RegExp(`\0${this.#nonce} (\\d+)\n$`);
    for (;;) {
      const m = end.exec(this.#out.toString("latin1"));
      if (m) {
        const stdout = this.#out.subarray(0, m.index);
        this.#out = Buffer.alloc(0);
        return { stdout, status: Number(m[1]), stderr: readFileSync(this.#errFile, "utf8") };
      }
      if (this.#child.exitCode !== null) throw new Error(`the shell loop exited (${this.#child.exitCode})`);
      await new Promise<void>((r) => {
        this.#waiting = r;
      });
      this.#waiting = null;
    }
  }

  close(): void {
    this.#child.stdin.end();
    rmSync(dirname(this.#errFile), { recursive: true, force: true });
  }
}

let shell: ShellLoop;
beforeAll(() => {
  shell = new ShellLoop();
});
afterAll(() => shell.close());

/** The argv a real shell builds from `line`, with its program words replaced by a printer. */
async function shellArgv(line: string, program: string): Promise<string[]> {
  expect(line.startsWith(`${program} `), line).toBe(true);
  const script = `printf '%s\\0' ${line.slice(program.length + 1)}`;
  const r = await shell.run(script);
  expect(r.status, r.stderr).toBe(0);
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
  test("shellCommand round-trips generated hostile names through /bin/sh", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (name) => {
        expect(await shellArgv(shellCommand("sudo ls -lR", name), "sudo ls -lR")).toEqual([name]);
      }),
      { numRuns: 150 },
    );
  });

  test("the commands rules print for a hostile dump directory parse back to that directory", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (dir) => {
        const facts = emptyFacts();
        facts.dumpTarget.coredir = dir;
        const dumps = checkCrashDumps(facts, new Date());
        expect(await shellArgv(dumps.remediation![0]!, "sudo ls -lR")).toEqual([dir]);
        const df = checkDumpTargetCapacity(facts);
        expect(await shellArgv(df.remediation![0]!, "df -P -k")).toEqual([dir]);
      }),
      { numRuns: 100 },
    );
  });
});
