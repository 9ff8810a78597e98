import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type CrashkernelBehaviour, KERNEL_ARCHES, type KernelArch } from "./crashkernel-behaviour.ts";
import { CRASHKERNEL_MODEL, type KernelVersion } from "./crashkernel-model.ts";
import { behavioursAt, resolveKernelBehaviour } from "./kernel-behaviour.ts";

/** The switches that decide sizes, in one readable word per switch. */
function summary(b: CrashkernelBehaviour): string {
  return [
    b.roundRam ? "round" : "raw",
    b.high,
    `low:${b.lowDefault}`,
    b.badLow === "default" ? "badlow:default" : "badlow:abort",
    `window:${b.plainWindow}`,
    b.plainFallback ? `fallback:${b.fallbackLow}` : "no-fallback",
    b.fixedAboveLow ? "fixed-low" : "fixed-bare",
    b.cmaSuffix ? (b.cmaReserve ? "cma" : "cma-skipped") : "no-cma",
    `msg:${b.rangeSizeMessage}/${b.offsetMessage}`,
    `auto:${b.auto}`,
  ].join(" ");
}

const X86_LEGACY_4 = "after-failure low:x86-swiotlb badlow:default window:896M no-fallback fixed-low";
const X86_LEGACY_5 = "after-failure low:x86-swiotlb badlow:default window:4G fallback:low-param fixed-low";
const X86_GENERIC = "if-missing low:x86-swiotlb badlow:abort window:4G fallback:default fixed-bare";
const GENERIC_128 = "if-missing low:128M badlow:abort window:4G fallback:default fixed-bare";

describe("CRASHKERNEL_MODEL: the kernels fleets run, one row each", () => {
  test.each<[string, string, string[]]>([
    ["4.19.0-27-amd64", "x86_64", [`raw ${X86_LEGACY_4} no-cma msg:bare/bare auto:none`]],
    ["5.4.0-150-generic", "x86_64", [`raw ${X86_LEGACY_5} no-cma msg:bare/bare auto:none`]],
    ["5.10.0-28-amd64", "x86_64", [`raw ${X86_LEGACY_5} no-cma msg:bare/bare auto:none`]],
    ["5.15.0-69-generic", "x86_64", [`raw ${X86_LEGACY_5} no-cma msg:bare/bare auto:none`]],
    ["6.1.0-13-amd64", "x86_64", [`round ${X86_LEGACY_5} no-cma msg:bare/bare auto:none`]],
    ["6.6.30", "x86_64", [`round ${X86_LEGACY_5} no-cma msg:bare/bare auto:none`]],
    ["6.8.0-45-generic", "x86_64", [`round ${X86_GENERIC} no-cma msg:bare/bare auto:none`]],
    ["6.12.0-55.el10.x86_64", "x86_64", [`round ${X86_GENERIC} no-cma msg:prefixed/typo auto:none`]],
    ["6.17.0", "x86_64", [`round ${X86_GENERIC} cma msg:prefixed/prefixed auto:none`]],
    [
      "4.18.0-305.el8.x86_64",
      "x86_64",
      [
        `raw ${X86_LEGACY_5} no-cma msg:bare/bare auto:rhel8-x86`,
        `round ${X86_LEGACY_5} no-cma msg:bare/bare auto:rhel8-x86`,
      ],
    ],
    [
      "5.14.0-70.13.1.el9_0.x86_64",
      "x86_64",
      [
        `raw ${X86_LEGACY_5} no-cma msg:bare/bare auto:none`,
        `raw ${X86_GENERIC} no-cma msg:bare/bare auto:none`,
      ],
    ],
    [
      "5.14.0-427.13.1.el9_4.x86_64",
      "x86_64",
      [
        `round ${X86_LEGACY_5} no-cma msg:bare/bare auto:none`,
        `round ${X86_GENERIC} no-cma msg:bare/bare auto:none`,
      ],
    ],
    [
      "5.10.0-28-arm64",
      "aarch64",
      ["raw none low:none badlow:abort window:4G no-fallback fixed-bare no-cma msg:bare/bare auto:none"],
    ],
    [
      "6.1.0-13-arm64",
      "aarch64",
      [
        "round if-missing low:none badlow:abort window:4G no-fallback fixed-bare no-cma msg:bare/bare auto:none",
      ],
    ],
    [
      "6.2.0",
      "aarch64",
      [
        "round if-missing low:128M badlow:abort window:4G fallback:default fixed-bare no-cma msg:bare/bare auto:none",
      ],
    ],
    ["6.8.0-45-generic", "aarch64", [`round ${GENERIC_128} no-cma msg:bare/bare auto:none`]],
    ["6.17.0", "aarch64", [`round ${GENERIC_128} cma-skipped msg:prefixed/prefixed auto:none`]],
    ["6.8.0-45-generic", "riscv64", [`round ${GENERIC_128} no-cma msg:bare/bare auto:none`]],
    [
      "6.8.0-1008-ibm",
      "ppc64le",
      ["round none low:none badlow:abort window:none no-fallback fixed-bare no-cma msg:bare/bare auto:none"],
    ],
    [
      "5.14.21-150500.55.19-default",
      "s390x",
      ["raw none low:none badlow:abort window:none no-fallback fixed-bare no-cma msg:bare/bare auto:none"],
    ],
  ])("%s on %s", (release, arch, expected) => {
    const r = resolveKernelBehaviour(release, arch);
    expect(r.known).toBe(true);
    expect(r.candidates.map(summary)).toEqual(expected);
    expect(r.rows.length, "the rows that describe it are reported").toBeGreaterThan(0);
  });

  test("an unknown release or architecture stands for every kernel of the table, the newest first", () => {
    const r = resolveKernelBehaviour(null, "x86_64");
    expect(r.known).toBe(false);
    expect(summary(r.candidates[0] as CrashkernelBehaviour)).toBe(
      `round ${X86_GENERIC} cma msg:prefixed/prefixed auto:none`,
    );
    const summaries = r.candidates.map(summary);
    expect(summaries).toContain(`raw ${X86_LEGACY_4} no-cma msg:bare/bare auto:none`);
    expect(summaries).toContain(`raw ${X86_LEGACY_5} no-cma msg:bare/bare auto:rhel8-x86`);
    // v6.8 on an unknown architecture: x86's generic code, the generic code with a 128 MiB low
    // default (arm64, riscv64, loongarch64), or no ,high at all (ppc64le, s390x, others)
    expect(resolveKernelBehaviour("6.8.0", null).candidates.length).toBe(3);
  });

  test("every row cites the kernel function, commit, changelog or thread it is read from", () => {
    for (const row of CRASHKERNEL_MODEL) {
      expect(row.source, JSON.stringify(row.set)).toMatch(
        /\w\(\)|[0-9a-f]{12}|changelog|LKML|documentation|Guide|KB/,
      );
      if (row.approxSince && row.since) expect(later(row.approxSince, row.since)).toBe(true);
    }
  });
});

// ---- invariants across versions, checked on generated kernels

const versions: KernelVersion[] = [];
for (let major = 2; major <= 7; major++)
  for (let minor = 0; minor <= 20; minor++) versions.push([major, minor] as const);
const version = fc.constantFrom(...versions);
const arch = fc.constantFrom<KernelArch>(...KERNEL_ARCHES);
const later = (a: KernelVersion, b: KernelVersion) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** What every behaviour a mainline kernel at this version may have says. */
function all(a: KernelArch, v: KernelVersion, is: (b: CrashkernelBehaviour) => boolean): boolean {
  return behavioursAt({ arch: a, version: v, el: null, build: null }).every((x) => is(x.behaviour));
}

describe("CRASHKERNEL_MODEL: what a newer mainline kernel has, it keeps", () => {
  const features: [string, (b: CrashkernelBehaviour) => boolean][] = [
    ["rounds RAM up to 128 MiB", (b) => b.roundRam],
    ["knows ,cma", (b) => b.cmaSuffix],
    ["reserves ,cma", (b) => b.cmaReserve],
    ["reads ,high", (b) => b.high !== "none"],
    ["falls back above 4 GiB", (b) => b.plainFallback],
    ["gives ,high a default low region", (b) => b.lowDefault !== "none"],
    ["prefixes 'Memory value expected'", (b) => b.rangeSizeMessage === "prefixed"],
  ];
  test.each(features)("once a kernel %s, every later one does", (_name, has) => {
    fc.assert(
      fc.property(arch, version, version, (a, v1, v2) => {
        fc.pre(later(v1, v2));
        if (all(a, v1, has)) expect(all(a, v2, has), `${a} ${v1.join(".")} → ${v2.join(".")}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  test("generic-era kernels (v6.7+) never give a fixed or fallback region the ,low value", () => {
    fc.assert(
      fc.property(arch, version, (a, v) => {
        fc.pre(!later(v, [6, 7]));
        expect(
          all(a, v, (b) => !b.fixedAboveLow && b.fallbackLow === "default" && b.badLow === "abort"),
        ).toBe(true);
      }),
    );
  });
});
