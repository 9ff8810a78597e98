import { anyText } from "@kdumpwatch/testkit/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as core from "../index.ts";

// Every parser of packages/core (kernel and tools) must do work proportional to its input: a
// hostile host can send a megabyte of `$(`, quotes, backslashes, brackets, one huge line, CRLF or
// NUL, and a super-linear regex or loop would stall the judge. Work is measured as the CPU time of
// this process (not wall-clock time: the machine is shared), and only as a ratio: 8× the input may
// cost about 8× the work (24× allowed for noise, garbage collection and a loaded machine), never the
// 64× of a quadratic pass. No absolute time limit is asserted.

type TextParser = (text: string) => unknown;

/** Parsers whose signature needs more than the text; each is still fed only the hostile text. */
const ADAPTERS: Record<string, TextParser> = {
  parseDf: (t) => core.parseDf(t, "/var/crash"),
  parseSysfsFlag: (t) => core.parseSysfsFlag(t, "flag"),
  evaluateCrashkernel: (t) =>
    core.evaluateCrashkernel({
      cmdline: t,
      systemRamBytes: 8 * 2 ** 30,
      ramSource: "iomem",
      kernelVersion: null,
      arch: null,
    }),
};
/** Exports whose name looks like a parser but that read no text. */
const NOT_TEXT_PARSERS = new Set(["parseIssue", "evaluateReadiness"]);

const PARSERS: [string, TextParser][] = Object.entries(core)
  .filter(
    ([name, v]) =>
      typeof v === "function" &&
      /^(parse|find|tokenize|filter|strip|evaluate|memparse)/.test(name) &&
      !NOT_TEXT_PARSERS.has(name),
  )
  .map(([name, v]) => [name, ADAPTERS[name] ?? (v as TextParser)]);

/** CPU milliseconds of one run: repeated until 10 ms are spent, so fast parsers are measured too. */
function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  let runs = 0;
  let used = 0;
  do {
    run();
    runs++;
    const d = process.cpuUsage(start);
    used = (d.user + d.system) / 1000;
  } while (used < 10 && runs < 10_000);
  return used / runs;
}

/**
 * Work at `factor`·n over work at n; measured again (up to five times, best kept) while it exceeds
 * `limit`.
 */
function workRatio(
  parse: TextParser,
  make: (size: number) => string,
  { n, factor = 4, limit = 8 }: { n: number; factor?: number; limit?: number },
): number {
  const small = make(n);
  const large = make(factor * n);
  let a = Number.POSITIVE_INFINITY;
  let b = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5; attempt++) {
    a = Math.min(
      a,
      cpuMs(() => parse(small)),
    );
    b = Math.min(
      b,
      cpuMs(() => parse(large)),
    );
    if (b / Math.max(a, 1e-6) <= limit) break;
  }
  return b / Math.max(a, 1e-6);
}

/** `unit` repeated to exactly `size` characters. */
function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** The shapes issue 12 names, plus the kernel formats repeated without end. */
const NAMED: [string, (size: number) => string][] = [
  ["a megabyte of $(", (n) => fill("$(", n)],
  ["quotes", (n) => fill(`"'\`"`, n)],
  ["backslashes", (n) => fill("\\", n)],
  ["nested brackets", (n) => `${fill("([{<", n / 2)}${fill(">}])", n / 2)}`],
  ["one huge line", (n) => `crashkernel=${fill("1G-2G:64M,a=b ", n)}`],
  ["CRLF lines", (n) => fill("KDUMP_COREDIR=/var/crash\r\n", n)],
  ["NUL", (n) => fill("\0", n)],
  ["assignments on one line", (n) => fill("a=", n)],
  ["an unterminated quote", (n) => `x="${fill("a ", n)}`],
  ["crashkernel= over and over", (n) => fill("crashkernel=", n)],
  [
    "kernel log lines",
    (n) =>
      fill("[    0.000000] Reserving 192MB of memory at 2864MB for crashkernel (System RAM: 8191MB)\n", n),
  ],
  ["an assignment of $( without )", (n) => `x=${fill("$(", n)}`],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion is the hostile input
  ["an assignment of ${ without }", (n) => `x=${fill("${a:-", n)}`],
  ["an assignment of backticks", (n) => `x=${fill("`a", n)}`],
  ["journal lines", (n) => fill("Dec 01 12:00:00 host kdump-tools[1]: Starting kdump-tools: \n", n)],
  [
    "kdump-config show lines",
    (n) => fill("crashkernel addr: 0x\n   /var/lib/kdump/vmlinuz: symbolic link to ", n),
  ],
  [
    "nested iomem",
    (n) => fill("00100000-bffd9fff : System RAM\n  5f000000-6effffff : Crash kernel\n    ", n),
  ],
];

const KIB = 1024;

describe("every parser in packages/core does work linear in its input", () => {
  test("the parsers are found from the package index (a new one is measured without being listed)", () => {
    const names = PARSERS.map(([n]) => n);
    for (const expected of [
      "parseDmesg",
      "parseIomem",
      "evaluateCrashkernel",
      "parseKdumpConfigShow",
      "parseDf",
    ])
      expect(names).toContain(expected);
    expect(names.length).toBeGreaterThan(30);
  });

  test("the measure tells a quadratic pass from a linear one (so the limits below can fail)", () => {
    const linear: TextParser = (t) => {
      let h = 0;
      for (let i = 0; i < t.length; i++) h = (h * 31 + t.charCodeAt(i)) | 0;
      return h;
    };
    // every 256th character against every 256th character: (n/256)² steps
    const quadratic: TextParser = (t) => {
      let h = 0;
      for (let i = 0; i < t.length; i += 256)
        for (let j = 0; j < t.length; j += 256) h = (h + t.charCodeAt(i) * t.charCodeAt(j)) | 0;
      return h;
    };
    const make = (n: number) => fill("crashkernel=512M-:192M ", n);
    expect(workRatio(quadratic, make, { n: 128 * KIB, factor: 8, limit: 24 })).toBeGreaterThan(24);
    expect(workRatio(linear, make, { n: 128 * KIB, factor: 8, limit: 24 })).toBeLessThanOrEqual(24);
  });

  test.each(NAMED)(
    "%s: 1 MiB costs about 8× what 128 KiB does, for every parser",
    (_shape, make) => {
      const slow: string[] = [];
      for (const [name, parse] of PARSERS) {
        const ratio = workRatio(parse, make, { n: 128 * KIB, factor: 8, limit: 24 });
        if (ratio > 24) slow.push(`${name} ×${ratio.toFixed(1)}`);
      }
      expect(slow, "work ratio 1 MiB / 128 KiB above 24").toEqual([]);
    },
    600_000,
  );

  // Generated units are short and the inputs small, where garbage collection and timer noise weigh
  // more: 8× the input may cost at most 24× the work — a linear parser stays near 8×, a quadratic
  // one reaches 64×, so the margin is three times either way.
  test("generated hostile inputs: 8× the input, at most 24× the work", () => {
    const fragment = fc.oneof(
      fc.constantFrom("$(", "`", '"', "'", "\\", "(", ")", "[", "]", "{", "}", "<", ">", "\r\n", "\n", "\0"),
      fc.constantFrom("crashkernel=", "=", ":", ",", "-", "@", " ", "\t", "#", "0x", "ffffffff", "M", "kB"),
      anyText({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(fragment, { minLength: 1, maxLength: 8 }), (parts) => {
        const unit = parts.join("");
        fc.pre(unit.length > 0);
        for (const [name, parse] of PARSERS) {
          const ratio = workRatio(parse, (n) => fill(unit, n), { n: 16 * KIB, factor: 8, limit: 24 });
          expect(ratio, `${name} on ${JSON.stringify(unit)}`).toBeLessThanOrEqual(24);
        }
      }),
      { numRuns: 6 },
    );
  }, 600_000);
});
