import { anyText } from "@kdumpwatch/testkit/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type ByteCount, isByteCount } from "../../byte-count.ts";
import type { ParseIssue } from "../issue.ts";
import { parseDmesg } from "./dmesg.ts";
import { evaluateCrashkernel } from "./evaluate-crashkernel.ts";
import { parseFadumpEnabled, parseFadumpMemReserved, parseFadumpRegistered } from "./fadump.ts";
import { filterRelevantDmesg } from "./filter-relevant-dmesg.ts";
import { findCrashkernel } from "./find-crashkernel.ts";
import { parseIomem } from "./iomem.ts";
import { parseKexecCrashLoaded } from "./kexec-crash-loaded.ts";
import { parseKexecCrashSize } from "./kexec-crash-size.ts";
import { parseLockdown } from "./lockdown.ts";
import { parseMeminfo } from "./meminfo.ts";
import { memparse } from "./memparse.ts";
import { parseSysctlValue } from "./sysctl-value.ts";
import { parseSysrq } from "./sysrq.ts";
import { tokenizeCmdline } from "./tokenize-cmdline.ts";

// House-style §8: hostile, truncated, CRLF, non-UTF-8 input is normal input.
const decoder = new TextDecoder();
const fragments = fc.constantFrom(
  "crashkernel=",
  "Crashkernel=",
  ",high",
  ",low",
  ",cma",
  "256M",
  "0x",
  "010",
  "1G-",
  ":",
  ",",
  "-",
  "@",
  " ",
  "\t",
  '"',
  "\n",
  "\r\n",
  "\0",
  "\uFFFD",
  "ü",
  "auto",
  "  5f000000-6effffff : Crash kernel",
  "[    0.0] ",
  "Reserving 192MB of memory at 2864MB for crashkernel (System RAM: 8191MB)",
  "crashkernel reserved: 0x",
  "kernel.sysrq = ",
  "none [integrity]",
  "MemTotal: 99999999999999999999 kB",
  "18446744073709551616E",
);
const hostile = fc.oneof(
  fc.string(),
  anyText(),
  fc.uint8Array({ maxLength: 300 }).map((b) => decoder.decode(b)),
  fc.array(fragments, { maxLength: 40 }).map((a) => a.join("")),
);

function wellFormed(r: { value: unknown; issues: ParseIssue[] }): boolean {
  return (
    r.value !== undefined &&
    Array.isArray(r.issues) &&
    r.issues.every(
      (i) =>
        typeof i.code === "string" && typeof i.message === "string" && (i.line === undefined || i.line >= 1),
    )
  );
}

const parsers: [string, (text: string) => { value: unknown; issues: ParseIssue[] }][] = [
  ["tokenizeCmdline", (t) => tokenizeCmdline(t)],
  ["findCrashkernel", (t) => findCrashkernel(t)],
  ["parseDmesg", parseDmesg],
  ["parseIomem", parseIomem],
  ["parseMeminfo", parseMeminfo],
  ["parseKexecCrashSize", parseKexecCrashSize],
  ["parseKexecCrashLoaded", parseKexecCrashLoaded],
  ["parseFadumpEnabled", parseFadumpEnabled],
  ["parseFadumpRegistered", parseFadumpRegistered],
  ["parseFadumpMemReserved", parseFadumpMemReserved],
  ["parseLockdown", parseLockdown],
  ["parseSysctlValue", (t) => parseSysctlValue(t, "kernel.panic")],
  ["parseSysrq", parseSysrq],
];

describe("no kernel-side parser throws, whatever the input", () => {
  test.each(parsers)("%s on arbitrary strings", (_name, parse) => {
    fc.assert(fc.property(hostile, (text) => wellFormed(parse(text))));
  });

  test.each(parsers)("%s on non-string arguments from untyped callers", (_name, parse) => {
    for (const bad of [undefined, null, 42, {}, []]) {
      expect(wellFormed(parse(bad as unknown as string)), String(bad)).toBe(true);
    }
  });

  test("evaluateCrashkernel on a missing or malformed input object", () => {
    for (const bad of [undefined, null, {}, { cmdline: 5, systemRamBytes: "x" }]) {
      const e = evaluateCrashkernel(bad as unknown as Parameters<typeof evaluateCrashkernel>[0]);
      expect(e.outcome, JSON.stringify(bad)).toBe("missing");
    }
  });

  test("memparse on arbitrary strings: consumed + rest = input", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const r = memparse(text);
        return r.consumed >= 0 && text.slice(r.consumed) === r.rest && r.value >= 0n && r.value < 1n << 64n;
      }),
    );
  });

  test("filterRelevantDmesg on arbitrary strings stays under its caps", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const f = filterRelevantDmesg(text, { maxChars: 1024, maxLines: 4 });
        return f.text.length <= 1024 && f.kept <= 4;
      }),
    );
  });

  test("evaluateCrashkernel on arbitrary command lines, RAM sizes, versions and arches", () => {
    fc.assert(
      fc.property(
        hostile,
        fc.oneof(fc.constant(null), fc.double(), fc.integer({ min: 0, max: 2 ** 45 })),
        fc.option(
          fc.oneof(fc.string(), fc.constantFrom("6.8.0", "5.4.0", "4.18.0-305.el8.x86_64", "3.10.0.el7")),
        ),
        fc.option(fc.oneof(fc.string(), fc.constantFrom("x86_64", "aarch64", "riscv64", "s390x", "ppc64le"))),
        fc.constantFrom("dmesg", "iomem", "dmesg-memory", "meminfo", null),
        (cmdline, ram, kernelVersion, arch, ramSource) => {
          const e = evaluateCrashkernel({ cmdline, systemRamBytes: ram, kernelVersion, arch, ramSource });
          const sane = (n: ByteCount | null) => n === null || isByteCount(n);
          const consistent =
            e.outcome === "reserves"
              ? e.expectedBytes === null || e.expectedBytes !== 0
              : e.expectedBytes === null || e.expectedBytes === 0;
          return sane(e.expectedBytes) && sane(e.mainBytes) && consistent;
        },
      ),
    );
  });
});
