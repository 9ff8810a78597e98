import { describe, expect, test } from "vitest";
import { type CrashkernelInput, evaluateCrashkernel } from "./evaluate-crashkernel.ts";

const M = 1024 ** 2;
const G = 1024 ** 3;

function evaluate(cmdline: string, over: Partial<CrashkernelInput> = {}) {
  return evaluateCrashkernel({
    cmdline,
    systemRamBytes: 64 * G,
    ramSource: "iomem",
    kernelVersion: "6.8.0-45-generic",
    arch: "x86_64",
    ...over,
  });
}

/** [expected, max, placement] of an evaluation, in MiB */
function sizes(e: ReturnType<typeof evaluate>) {
  const mib = (v: number | string | null) => (v === null ? null : Number(v) / M);
  return [mib(e.expectedBytes), mib(e.expectedMaxBytes), e.placement];
}

describe("x86 before the generic code (v5.2–v6.6: Ubuntu 20.04/22.04, Debian 11/12, RHEL 8/9)", () => {
  test.each<[string, string, (number | string | null)[]]>([
    // reserve_crashkernel(): a region at or above 4 GiB calls reserve_crashkernel_low()
    ["5.15.0-69-generic", "crashkernel=512M@6G", [768, 768, "above-4g"]],
    ["5.15.0-69-generic", "crashkernel=512M@6G crashkernel=64M,low", [576, 576, "above-4g"]],
    ["5.15.0-69-generic", "crashkernel=512M@6G crashkernel=0,low", [512, 512, "above-4g"]],
    ["6.1.0-13-amd64", "crashkernel=512M@6G", [768, 768, "above-4g"]],
    // the generic code gives a fixed base no low region
    ["6.8.0-45-generic", "crashkernel=512M@6G", [512, 512, "above-4g"]],
    ["6.8.0-45-generic", "crashkernel=512M@6G crashkernel=64M,low", [512, 512, "above-4g"]],
    // below 4 GiB nothing is added in any era
    ["5.15.0-69-generic", "crashkernel=512M@16M", [512, 512, "below-4g"]],
  ])("%s %s → %j MiB", (kernelVersion, cmdline, want) => {
    expect(sizes(evaluate(cmdline, { kernelVersion }))).toEqual(want);
  });

  test.each<[string, string, number]>([
    // the fallback above 4 GiB takes crashkernel=Y,low on v5.x x86, the default on generic kernels
    ["5.4.0-150-generic", "crashkernel=5G crashkernel=64M,low", 64],
    ["5.15.0-69-generic", "crashkernel=5G", 256],
    ["5.15.0-69-generic", "crashkernel=5G crashkernel=0,low", 0],
    ["5.15.0-69-generic", "crashkernel=5G crashkernel=junk,low", 256],
    ["6.8.0-45-generic", "crashkernel=5G crashkernel=64M,low", 256],
    ["6.8.0-45-generic", "crashkernel=5G crashkernel=0,low", 256],
  ])(
    "%s %s: a value too large for the low window falls back above 4 GiB with %i MiB low",
    (kernelVersion, cmdline, low) => {
      const e = evaluate(cmdline, { kernelVersion });
      expect([e.outcome, e.placement, Number(e.fallbackLowBytes) / M]).toEqual(["reserves", "above-4g", low]);
      expect(e.expectedBytes).toBe(5 * G + low * M);
    },
  );

  test("a plain value that fits below 4 GiB is expected there; a fallback would add the low region", () => {
    for (const kernelVersion of ["5.15.0-69-generic", "6.8.0-45-generic"]) {
      const e = evaluate("crashkernel=512M crashkernel=128M,low", { kernelVersion });
      expect(sizes(e), kernelVersion).toEqual([512, kernelVersion.startsWith("5") ? 640 : 768, "below-4g"]);
      expect(e.uncertain).toBe(false);
    }
  });

  test("Debian 10's v4.19 searches below 896 MiB only and has no fallback: crashkernel=1G is not reserved", () => {
    const e = evaluate("crashkernel=1G", { kernelVersion: "4.19.0-27-amd64" });
    expect([e.outcome, e.expectedBytes, e.kernelMessages]).toEqual([
      "cannot-place",
      0,
      ["crashkernel reservation failed - No suitable area found."],
    ]);
    expect(evaluate("crashkernel=1G", { kernelVersion: "5.4.0-150-generic" }).outcome).toBe("reserves");
  });

  test("v5.x x86 tries ,high after a failed plain value; the generic code does not", () => {
    const cmdline = "crashkernel=256MB crashkernel=512M,high";
    expect(evaluate(cmdline, { kernelVersion: "5.4.0-150-generic" }).expectedBytes).toBe(768 * M);
    expect(evaluate(cmdline, { kernelVersion: "6.8.0-45-generic" }).outcome).toBe("parse-error");
  });
});

describe(",high follows the RAM the host has above 4 GiB", () => {
  test.each<[string, boolean | null, number, (number | string | null)[], string[]]>([
    ["a 2 GiB VM: nothing above 4 GiB, placed low, no low region", false, 2 * G, [512, 512, "below-4g"], []],
    ["RAM above 4 GiB: placed high with the default low region", true, 16 * G, [768, 768, "above-4g"], []],
    ["more than 4 GiB of RAM implies RAM above 4 GiB", null, 16 * G, [768, 768, "above-4g"], []],
    ["a 4 GiB VM with no memory map: either", null, 4 * G - 2 * M, [512, 768, null], ["placement-unknown"]],
  ])("%s", (_name, ramAbove4G, ram, want, reasons) => {
    for (const kernelVersion of ["5.15.0-69-generic", "6.8.0-45-generic"]) {
      const e = evaluate("crashkernel=512M,high", { kernelVersion, ramAbove4G, systemRamBytes: ram });
      expect(sizes(e), kernelVersion).toEqual(want);
      expect(e.uncertainReasons).toEqual(reasons);
    }
  });

  test("the observed region decides: a reservation seen below 4 GiB means no low region", () => {
    const e = evaluate("crashkernel=512M,high", {
      systemRamBytes: 4 * G - 2 * M,
      observedMainBase: 0x5f000000,
    });
    expect(sizes(e)).toEqual([512, 512, "below-4g"]);
  });

  test("a low region that cannot fit frees the whole reservation", () => {
    const e = evaluate("crashkernel=7G,high crashkernel=5G,low", { systemRamBytes: 16 * G });
    expect([e.outcome, e.expectedBytes, e.kernelMessages]).toEqual([
      "too-large",
      0,
      ["cannot allocate crashkernel low memory (size:0x140000000)."],
    ]);
  });

  test("arm64 v5.19–v6.1 gives ,high no default low region; v6.2 on adds 128 MiB", () => {
    const at = (kernelVersion: string) =>
      evaluate("crashkernel=1G,high", { arch: "aarch64", kernelVersion }).expectedBytes;
    expect(at("5.10.0-28-arm64")).toBe(0);
    expect(at("6.1.0-13-arm64")).toBe(G);
    expect(at("6.2.0")).toBe(G + 128 * M);
    expect(
      evaluate("crashkernel=1G,high", { arch: "aarch64", kernelVersion: "5.10.0-28-arm64" }).outcome,
    ).toBe("high-unsupported");
  });
});

describe(",cma exists only where the kernel and the architecture have it", () => {
  const cmdline = "crashkernel=512M crashkernel=64M,cma";
  test.each<[string, string, string, number | null, number]>([
    ["x86_64", "6.17.0", "reserves", 512, 64],
    ["x86_64", "6.8.0-45-generic", "parse-error", 0, 0], // `64M,cma` is the last plain value
    ["aarch64", "6.17.0", "reserves", 512, 0], // known suffix, not reserved on arm64 yet
    ["aarch64", "6.8.0-45-generic", "parse-error", 0, 0],
    ["ppc64le", "6.16.0", "reserves", 512, 0],
  ])("%s %s → %s, %s MiB + %i MiB CMA", (arch, kernelVersion, outcome, main, cma) => {
    const e = evaluate(cmdline, { arch, kernelVersion });
    expect([
      e.outcome,
      e.expectedBytes === null ? null : Number(e.expectedBytes) / M,
      Number(e.cmaBytes) / M,
    ]).toEqual([outcome, main, cma]);
  });

  test("where a release's ,cma support is not pinned, the result says so", () => {
    const e = evaluate(cmdline, { arch: "ppc64le", kernelVersion: "6.17.0" });
    expect(e.uncertainReasons).toEqual(["kernel-version-ambiguous"]);
  });
});

describe("RHEL: the build number and backports", () => {
  test("RHEL 9.0 compares raw RAM, RHEL 9.1+ (5.14.0-133 on) rounds it up to 128 MiB", () => {
    const at = (kernelVersion: string) =>
      evaluate("crashkernel=1G-4G:192M,4G-64G:256M", {
        kernelVersion,
        systemRamBytes: 1023 * M,
        ramSource: "dmesg",
      });
    expect(at("5.14.0-70.13.1.el9_0.x86_64").outcome).toBe("no-range-matched");
    expect(at("5.14.0-427.13.1.el9_4.x86_64").expectedBytes).toBe(192 * M);
  });

  test("RHEL 9 x86 evaluates the legacy and the generic reservation and flags where they differ", () => {
    const fixedHigh = evaluate("crashkernel=512M@6G", { kernelVersion: "5.14.0-427.el9.x86_64" });
    expect([Number(fixedHigh.expectedBytes) / M, fixedHigh.uncertainReasons]).toEqual([
      768,
      ["kernel-version-ambiguous"],
    ]);
    const plain = evaluate("crashkernel=1G-4G:192M,4G-64G:256M", {
      kernelVersion: "5.14.0-427.el9.x86_64",
      systemRamBytes: 16 * G,
    });
    expect(plain.uncertain, "both agree on an ordinary range value").toBe(false);
  });
});
