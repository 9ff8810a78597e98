/**
 * Every text parser of packages/core, found from its package index, and the hostile input shapes
 * they are fed: the linear-time unit test (packages/core/src/parsers/linear-time.test.ts) measures
 * work ratios on them, and the parser benchmark (test/bench/parsers.ts) their cost per MiB. One list,
 * so a shape added for one is measured by the other.
 */
import * as core from "@kdumpwatch/core";

export type TextParser = (text: string) => unknown;

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

/** [export name, parser] for every text parser core exports (a new one is found without a list). */
export const TEXT_PARSERS: [string, TextParser][] = Object.entries(core)
  .filter(
    ([name, v]) =>
      typeof v === "function" &&
      /^(parse|find|tokenize|filter|strip|evaluate|memparse)/.test(name) &&
      !NOT_TEXT_PARSERS.has(name),
  )
  .map(([name, v]) => [name, ADAPTERS[name] ?? (v as TextParser)]);

/** `unit` repeated to exactly `size` characters. */
export function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** The shapes issue 12 names (a hostile host's output), plus the kernel formats repeated without end. */
export const HOSTILE_SHAPES: [string, (size: number) => string][] = [
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
