import fc from "fast-check";
import { describe, expect, test } from "vitest";
import ubuntu1204 from "../../../fixtures/cmdline/ubuntu-1204-384M-2G-range.txt?raw";
import ubuntu2004 from "../../../fixtures/cmdline/ubuntu-2004-hwe-512M-192M.txt?raw";
import ubuntu2604 from "../../../fixtures/cmdline/ubuntu-2604-default-range.txt?raw";
import dmesgCentos8 from "../../../fixtures/dmesg/x86-centos8-auto-160M.txt?raw";
import dmesgGeneric320 from "../../../fixtures/dmesg/x86-generic-ubuntu2604-320M.txt?raw";
import dmesgDoc64 from "../../../fixtures/dmesg/x86-ubuntu-doc-reserving-64M.txt?raw";
import dmesg2004 from "../../../fixtures/dmesg/x86-ubuntu2004-reserving-192M.txt?raw";
import { parseDmesg } from "./dmesg.ts";
import { type CrashkernelInput, evaluateCrashkernel } from "./evaluate-crashkernel.ts";

const M = 1024 ** 2;
const G = 1024 ** 3;

function evaluate(cmdline: string, over: Partial<CrashkernelInput> = {}) {
  return evaluateCrashkernel({
    cmdline,
    systemRamBytes: 8 * G,
    ramSource: "dmesg",
    kernelVersion: "6.8.0-45-generic",
    arch: "x86_64",
    ...over,
  });
}

describe("evaluateCrashkernel: the combination table of domain.md §1.9 (x86_64, current kernel 6.17, 8 GiB)", () => {
  test.each<[string, string, number, string | null]>([
    ["crashkernel=256M crashkernel=512M-:192M", "reserves", 192 * M, null],
    ["crashkernel=256M crashkernel=1G,high", "reserves", 256 * M, null],
    ["crashkernel=1G,high", "reserves", 1024 * M + 256 * M, null],
    ["crashkernel=1G,high crashkernel=0,low", "reserves", 1024 * M, null],
    ["crashkernel=1G,low", "low-without-high", 0, null],
    ["crashkernel=512M crashkernel=64M,cma", "reserves", 512 * M, null],
    ["crashkernel=auto", "parse-error", 0, "crashkernel: memory value expected"],
    ["Crashkernel=512M", "missing", 0, null],
    ["crashkernel=256MB", "parse-error", 0, "crashkernel: unrecognized char: B"],
    ["crashkernel=0", "zero", 0, null],
  ])("%s → %s, %d bytes", (cmdline, outcome, bytes, message) => {
    const e = evaluate(cmdline, { kernelVersion: "6.17.0" });
    expect(e.outcome, JSON.stringify(e.kernelMessages)).toBe(outcome);
    expect(e.expectedBytes).toBe(bytes);
    expect(e.kernelMessage).toBe(message);
  });

  test("crashkernel=1G,high on arm64 brings the arm64 default low region of 128 MiB", () => {
    const e = evaluate("crashkernel=1G,high", { arch: "aarch64" });
    expect([e.kind, e.mainBytes, e.lowBytes, e.expectedBytes]).toEqual(["high", G, 128 * M, G + 128 * M]);
  });

  test("crashkernel=64M,cma adds CMA bytes on ≥ 6.16 kernels, kept apart from the expected reservation", () => {
    const e = evaluate("crashkernel=512M crashkernel=64M,cma", { kernelVersion: "6.17.0" });
    expect([e.expectedBytes, e.cmaBytes, e.uncertain]).toEqual([512 * M, 64 * M, false]);
  });
});

describe("evaluateCrashkernel: traps", () => {
  test.each<[string, string, Partial<CrashkernelInput>]>([
    ["crashkernel=auto", "parse-error", {}],
    ["crashkernel=0", "zero", {}],
    ["Crashkernel=512M", "missing", {}],
    ["crashkernel=16G-:512M", "no-range-matched", {}],
    ["crashkernel=8G", "size-exceeds-ram", {}],
    ["crashkernel=", "parse-error", {}],
    ["crashkernel=1G-512M:64M", "parse-error", {}],
    ["crashkernel=384M-2G:64M,2G-:128M", "invalid-size", { systemRamBytes: 64 * M }],
    ["crashkernel=128M,low", "low-without-high", {}],
    ["crashkernel=512M,high", "high-unsupported", { arch: "s390x" }],
  ])("trap 1: %s is present but reserves nothing (%s)", (cmdline, outcome, over) => {
    const e = evaluate(cmdline, over);
    expect(e.outcome, JSON.stringify(e.kernelMessages)).toBe(outcome);
    expect(e.expectedBytes).toBe(0);
  });

  test("trap 2: the last plain crashkernel= wins and suffixed tokens are separate", () => {
    const e = evaluate("crashkernel=512M crashkernel=1G,high crashkernel=128M crashkernel=256M,low");
    expect(e.effective).toBe("128M");
    expect(e.expectedBytes).toBe(128 * M);
    expect(e.findings.map((f) => f.code)).toEqual(["duplicate", "suffixed-ignored", "suffixed-ignored"]);
    const firstMatch = evaluate("crashkernel=1G,high crashkernel=256M");
    expect(firstMatch.kind, "a plain value anywhere beats ,high").toBe("simple");
  });

  test("trap 3: ranges compare memblock RAM rounded up to 128 MiB on ≥ 6.0 kernels, raw before", () => {
    const vm1g = 1023 * M; // a "1G" VM: firmware keeps a little (K-ROUND)
    const modern = evaluate("crashkernel=1G-2G:128M", {
      systemRamBytes: vm1g,
      kernelVersion: "6.1.0-13-amd64",
    });
    expect([modern.outcome, modern.expectedBytes, modern.comparedRamBytes]).toEqual(["reserves", 128 * M, G]);
    const old = evaluate("crashkernel=1G-2G:128M", {
      systemRamBytes: vm1g,
      kernelVersion: "5.4.0-150-generic",
    });
    expect([old.outcome, old.expectedBytes, old.comparedRamBytes]).toEqual(["no-range-matched", 0, vm1g]);
    expect(modern.uncertain && old.uncertain, "1023 MiB sits within 128 MiB of the 1G boundary").toBe(true);
    expect(modern.uncertainReasons).toContain("ram-near-boundary");
  });

  test("trap 3: MemTotal is not what the kernel compares, so a MemTotal-based range result is uncertain", () => {
    const e = evaluate("crashkernel=512M-:192M", { systemRamBytes: 7.6 * G, ramSource: "meminfo" });
    expect(e.expectedBytes).toBe(192 * M);
    expect(e.uncertainReasons).toContain("ram-imprecise");
    const sure = evaluate("crashkernel=512M-:192M", { systemRamBytes: 8191 * M, ramSource: "dmesg" });
    expect(sure.uncertain).toBe(false);
  });

  test("trap 4: a later, larger range entry aborts the parse on a small host with 'invalid size'", () => {
    const e = evaluate(ubuntu2604, { systemRamBytes: 1023 * M, kernelVersion: "6.18.0-8-generic" });
    expect(e.outcome).toBe("invalid-size");
    expect(e.kernelMessage).toBe("crashkernel: invalid size");
    expect(e.ranges.map((r) => [r.raw, r.visited])).toEqual([
      ["2G-4G:320M", true],
      ["4G-32G:512M", true],
      ["32G-64G:1024M", true],
      ["64G-128G:2048M", false],
      ["128G-:4096M", false],
    ]);
    const bigger = evaluate(ubuntu2604, { systemRamBytes: 3 * G, kernelVersion: "6.18.0-8-generic" });
    expect([bigger.outcome, bigger.expectedBytes, bigger.selectedRange]).toEqual(["reserves", 320 * M, 0]);
  });

  test("trap 18: crashkernel=auto is a RHEL 6-8 kernel feature; elsewhere it is a parse error", () => {
    const rhel8 = evaluate("crashkernel=auto", {
      kernelVersion: "4.18.0-305.el8.x86_64",
      systemRamBytes: 2047 * M,
    });
    expect([rhel8.kind, rhel8.outcome, rhel8.expectedBytes]).toEqual(["auto", "reserves", 160 * M]);
    const rhel7 = evaluate("crashkernel=auto", { kernelVersion: "3.10.0-1160.el7.x86_64" });
    expect([rhel7.outcome, rhel7.expectedBytes, rhel7.uncertainReasons]).toEqual([
      "unknown",
      null,
      ["auto-size-unknown"],
    ]);
    for (const kernelVersion of ["5.14.0-427.el9.x86_64", "6.8.0-45-generic"]) {
      const e = evaluate("crashkernel=auto", { kernelVersion });
      expect([e.outcome, e.kernelMessage], kernelVersion).toEqual([
        "parse-error",
        "crashkernel: memory value expected",
      ]);
      expect(e.findings.map((f) => f.code)).toContain("auto-unsupported");
    }
    const unknown = evaluate("crashkernel=auto", { kernelVersion: null });
    expect(unknown.uncertainReasons).toContain("kernel-version-unknown");
  });

  test("an auto that sizes to nothing (RHEL 8, under 1 GiB) goes on to the ,high value, reported as such", () => {
    // found by the invariants property (seed 922770611): the ,high token used after the auto table
    // gave nothing was reported as a plain value, because the parse ran on the substituted line
    const e = evaluate("crashkernel=0,high crashkernel=auto", {
      kernelVersion: "4.18.0-553.el8_10.x86_64",
      systemRamBytes: 512 * M,
    });
    expect([e.kind, e.effective]).toEqual(["high", "0,high"]);
    expect(e.expectedBytes === null || e.expectedBytes === 0).toBe(true);
    const high = evaluate("crashkernel=256M,high crashkernel=auto", {
      kernelVersion: "4.18.0-553.el8_10.x86_64",
      systemRamBytes: 512 * M,
    });
    expect([high.kind, high.effective]).toEqual(["high", "256M,high"]);
  });

  test("trap 22: a crashkernel= beyond a 2047-byte command line is reported as possibly cut", () => {
    const e = evaluate(`BOOT_IMAGE=/vmlinuz ${"x=1 ".repeat(520)}`);
    expect(e.outcome).toBe("missing");
    expect(e.findings.map((f) => f.code)).toEqual(["cmdline-size-limit"]);
  });
});

describe("evaluateCrashkernel: uncertainty and kernel eras", () => {
  test("an unknown kernel version makes the result uncertain only where kernels differ", () => {
    expect(evaluate("crashkernel=256M", { kernelVersion: null }).uncertain).toBe(false);
    const cma = evaluate("crashkernel=512M crashkernel=64M,cma", { kernelVersion: null });
    expect(cma.uncertainReasons, "pre-6.16 kernels take …,cma as the plain value").toEqual([
      "kernel-version-unknown",
    ]);
    const old = evaluate("crashkernel=512M crashkernel=64M,cma", { kernelVersion: "6.8.0" });
    expect([old.outcome, old.kernelMessage]).toEqual(["parse-error", "crashkernel: unrecognized char: ,"]);
  });

  test("x86 kernels before the generic code also try ,high when the plain value fails", () => {
    const cmdline = "crashkernel=256MB crashkernel=512M,high";
    const old = evaluate(cmdline, { kernelVersion: "5.4.0-150-generic" });
    expect([old.kind, old.outcome, old.expectedBytes]).toEqual(["high", "reserves", 512 * M + 256 * M]);
    expect(old.kernelMessages).toEqual(["crashkernel: unrecognized char: B"]);
    expect(evaluate(cmdline).outcome).toBe("parse-error");
  });

  test("unknown RAM: ranges cannot be resolved, syntax errors still are", () => {
    const e = evaluate("crashkernel=512M-:192M", { systemRamBytes: null, ramSource: null });
    expect([e.outcome, e.expectedBytes, e.uncertainReasons]).toEqual(["unknown", null, ["ram-unknown"]]);
    const bad = evaluate("crashkernel=512M:192M", { systemRamBytes: null, ramSource: null });
    expect([bad.outcome, bad.kernelMessage]).toEqual(["parse-error", "crashkernel: '-' expected"]);
  });

  test("a fixed @offset is reported and kept", () => {
    const e = evaluate("crashkernel=512M-2G:64M,2G-:128M@16M");
    expect([e.expectedBytes, e.offsetBytes]).toEqual([128 * M, 16 * M]);
    expect(e.findings.map((f) => f.code)).toEqual(["fixed-offset"]);
    const wording = (kernelVersion: string) =>
      evaluate("crashkernel=2G-:128M@", { kernelVersion }).kernelMessage;
    expect(wording("5.15.0-69-generic")).toBe("Memory value expected after '@'");
    expect(wording("6.12.0-55.el10.x86_64")).toBe("crahskernel: Memory value expected after '@'");
    expect(wording("6.17.0")).toBe("crashkernel: Memory value expected after '@'");
  });

  test("a plain value may come with a default low region if placed above 4 GiB", () => {
    expect(evaluate("crashkernel=4G", { systemRamBytes: 64 * G }).fallbackLowBytes).toBe(256 * M);
    expect(evaluate("crashkernel=4G", { systemRamBytes: 64 * G, arch: "ppc64le" }).fallbackLowBytes).toBe(
      null,
    );
  });
});

describe("evaluateCrashkernel agrees with the kernel's log on real fixtures", () => {
  test.each([
    ["ubuntu 20.04: 512M-:192M on 8191 MB", ubuntu2004, dmesg2004, "5.15.0-69-generic"],
    ["ubuntu doc: 384M-2G:64M,2G-:128M on 1023 MB", ubuntu1204, dmesgDoc64, "3.2.0-17-server"],
    [
      "centos 8: auto on 2047 MB",
      "BOOT_IMAGE=/vmlinuz-4.18.0 ro crashkernel=auto",
      dmesgCentos8,
      "4.18.0-193.el8.x86_64",
    ],
  ])("%s", (_name, cmdline, dmesg, kernelVersion) => {
    const log = parseDmesg(dmesg).value;
    const ram = log.systemRam?.bytes ?? null;
    const e = evaluate(cmdline, { systemRamBytes: ram, kernelVersion });
    expect(e.expectedBytes, JSON.stringify(e.kernelMessages)).toBe(log.reservations[0]?.sizeBytes);
  });

  test("ubuntu 26.04: the 2G-4G:320M entry of the default table on a 3 GB VM", () => {
    const reserved = parseDmesg(dmesgGeneric320).value.reservations[0]?.sizeBytes;
    expect(
      evaluate(ubuntu2604, { systemRamBytes: 3 * G - 2 * M, kernelVersion: "6.18.0-8-generic" })
        .expectedBytes,
    ).toBe(reserved);
  });
});

// A plain, separately written model of domain.md §1.5, for generated range lists.
interface Entry {
  start: bigint;
  end: bigint | null;
  size: bigint;
}
function model(entries: Entry[], ram: bigint, round: boolean): { bytes: bigint; message: string | null } {
  const step = 128n * 1024n * 1024n;
  const total = round ? ((ram + step - 1n) / step) * step : ram;
  let size = 0n;
  for (const e of entries) {
    if (e.end !== null && e.end <= e.start) return { bytes: 0n, message: "crashkernel: end <= start" };
    if (e.size >= total) return { bytes: 0n, message: "crashkernel: invalid size" };
    if (total >= e.start && (e.end === null || total < e.end)) {
      size = e.size;
      break;
    }
  }
  if (size === 0n || size >= ram) return { bytes: 0n, message: null };
  return { bytes: size, message: null };
}

function spell(v: bigint, how: number): string {
  const units: [string, bigint][] = [
    ["G", 1n << 30n],
    ["M", 1n << 20n],
    ["K", 1n << 10n],
  ];
  if (how === 1) return `0x${v.toString(16)}`;
  if (how === 2 && v > 0n) return `0${v.toString(8)}`;
  if (how === 3) {
    for (const [u, f] of units) if (v % f === 0n && v > 0n) return `${v / f}${u.toLowerCase()}`;
  }
  for (const [u, f] of units) if (v % f === 0n && v > 0n) return `${v / f}${u}`;
  return v.toString();
}

describe("evaluateCrashkernel range evaluation agrees with a reference model of §1.5", () => {
  const mib = fc.bigInt({ min: 0n, max: 4096n }).map((n) => n * 128n * 1024n * 1024n);
  const bytes = fc.oneof(mib, fc.bigInt({ min: 0n, max: 1n << 42n }));
  const entry = fc.record({
    start: bytes,
    end: fc.option(bytes, { nil: null }),
    size: bytes,
    how: fc.nat(3),
  });

  test("for generated range lists, RAM sizes and both kernel eras", () => {
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 6 }),
        bytes,
        fc.boolean(),
        (entries, ram, round) => {
          const value = entries
            .map(
              (e) =>
                `${spell(e.start, e.how)}-${e.end === null ? "" : spell(e.end, e.how)}:${spell(e.size, e.how)}`,
            )
            .join(",");
          const e = evaluate(`ro crashkernel=${value} quiet`, {
            systemRamBytes: Number(ram),
            kernelVersion: round ? "6.8.0" : "5.15.0",
          });
          const want = model(entries, ram, round);
          // the parser's answer; placing it (low region, windows) is tested apart
          const accepted = ["reserves", "too-large", "cannot-place"].includes(e.outcome);
          expect(accepted ? e.mainBytes : 0, value).toBe(Number(want.bytes));
          if (want.message !== null) expect(e.kernelMessage, value).toBe(want.message);
          else expect(e.outcome === "parse-error" || e.outcome === "invalid-size", value).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("the Ubuntu documentation's own errors (domain.md §1.10)", () => {
  const docValue = "BOOT_IMAGE=/vmlinuz crashkernel=384M-2G:64M,2G-:128M";

  test("trap 20: a range start is inclusive — 384M of RAM selects 64M, not only from the doc's 386M", () => {
    const at384 = evaluate(docValue, { systemRamBytes: 384 * M, kernelVersion: "5.4.0-42-generic" });
    expect(at384.outcome).toBe("reserves");
    expect(at384.mainBytes).toBe(64 * M);
    const below = evaluate(docValue, { systemRamBytes: 383 * M, kernelVersion: "5.4.0-42-generic" });
    expect(below.outcome, "below the first range nothing matches").toBe("no-range-matched");
  });

  test("trap 20: on a 1 GiB VM the 26.04 default is rejected as invalid, not merely 'nothing reserved'", () => {
    const r = evaluate("crashkernel=2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M", {
      systemRamBytes: 1023 * M,
      kernelVersion: "6.18.0-8-generic",
    });
    expect(r.outcome).toBe("invalid-size");
    expect(r.kernelMessage).toBe("crashkernel: invalid size");
  });
});
