import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type ByteCount, byteCountToBigInt, isByteCount } from "../../byte-count.ts";
import { evaluateCrashkernel } from "./evaluate-crashkernel.ts";
import { resolveKernelBehaviour } from "./kernel-behaviour.ts";

// Generated kernels, command lines and hosts: the model's invariants must hold for every kernel
// of the table, whatever the parameters say.

const mainline = fc
  .tuple(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 0, max: 20 }), fc.nat(200))
  .map(([maj, min, build]) => `${maj}.${min}.0-${build}-generic`);
const enterprise = fc.constantFrom(
  "3.10.0-1160.el7.x86_64",
  "4.18.0-305.el8.x86_64",
  "4.18.0-553.el8_10.aarch64",
  "5.14.0-70.13.1.el9_0.x86_64",
  "5.14.0-427.13.1.el9_4.aarch64",
  "6.12.0-55.el10.x86_64",
);
const release = fc.oneof(mainline, enterprise, fc.constant(null));
const arch = fc.constantFrom("x86_64", "aarch64", "riscv64", "loongarch64", "ppc64le", "s390x", null);
const size = fc.constantFrom(
  "0",
  "64M",
  "128M",
  "256M",
  "512M",
  "1G",
  "3G",
  "5G",
  "7G",
  "0x10000000",
  "256MB",
  "auto",
  "",
);
const offset = fc.constantFrom("", "@16M", "@6G", "@0x100000000", "@");
const range = fc
  .array(
    fc.tuple(
      fc.constantFrom("0", "512M", "1G", "2G", "4G", "64G"),
      fc.constantFrom("", "2G", "4G", "64G", "1T"),
      size,
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((entries) => entries.map(([a, b, s]) => `${a}-${b}:${s}`).join(","));
const token = fc.oneof(
  fc.tuple(size, offset).map(([s, o]) => `crashkernel=${s}${o}`),
  fc.tuple(range, offset).map(([r, o]) => `crashkernel=${r}${o}`),
  size.map((s) => `crashkernel=${s},high`),
  size.map((s) => `crashkernel=${s},low`),
  size.map((s) => `crashkernel=${s},cma`),
  fc.constantFrom("quiet", "swiotlb=131072", "Crashkernel=512M", "ro"),
);
const ram = fc.oneof(
  fc.constantFrom(512, 1023, 2048, 4095, 8191, 65536, 1048576).map((mib) => BigInt(mib) << 20n),
  fc.bigInt({ min: 1n, max: 1n << 44n }),
);

const MiB = 1n << 20n;
const big = (v: ByteCount | null) => (v === null ? null : byteCountToBigInt(v));

describe("evaluateCrashkernel invariants across generated kernels, command lines and hosts", () => {
  test("reserved ≤ RAM, a low region only with a main region above 4 GiB, the last plain token wins", () => {
    fc.assert(
      fc.property(
        release,
        arch,
        fc.array(token, { minLength: 0, maxLength: 5 }),
        ram,
        fc.option(fc.boolean(), { nil: null }),
        fc.option(fc.constantFrom(96n * MiB, 6n << 30n), { nil: null }),
        (kernelVersion, machine, tokens, systemRam, ramAbove4G, observedMainBase) => {
          const input = {
            cmdline: ["BOOT_IMAGE=/vmlinuz", ...tokens].join(" "),
            systemRamBytes: systemRam,
            ramSource: "iomem" as const,
            kernelVersion,
            arch: machine,
            ramAbove4G,
            observedMainBase,
          };
          const e = evaluateCrashkernel(input);
          expect(evaluateCrashkernel(input), "deterministic").toEqual(e);
          const context = JSON.stringify({
            ...input,
            systemRamBytes: String(systemRam),
            observedMainBase: String(observedMainBase),
          });
          for (const v of [
            e.expectedBytes,
            e.expectedMaxBytes,
            e.mainBytes,
            e.lowBytes,
            e.fallbackLowBytes,
            e.cmaBytes,
          ])
            expect(v === null || isByteCount(v), context).toBe(true);
          const expected = big(e.expectedBytes);
          const max = big(e.expectedMaxBytes);
          const main = big(e.mainBytes);
          if (e.outcome === "reserves") {
            if (max !== null) expect(max <= systemRam, `reserved ≤ RAM: ${context}`).toBe(true);
            if (expected !== null && max !== null) expect(expected <= max, context).toBe(true);
            if (expected !== null && main !== null) {
              expect(main <= expected, context).toBe(true);
              if (expected > main)
                expect(e.placement, `low region without a high one: ${context}`).toBe("above-4g");
              if (e.placement === "below-4g") expect(expected, context).toBe(main);
            }
          } else {
            expect(expected === null || expected === 0n, `nothing reserved: ${context}`).toBe(true);
            expect(e.cmaBytes === null || e.cmaBytes === 0, `no CMA without a main region: ${context}`).toBe(
              true,
            );
          }
          // the last plain token wins, plain meaning "no suffix this kernel knows"
          const cmaKnown = resolveKernelBehaviour(kernelVersion, machine).candidates[0]?.cmaSuffix ?? true;
          const suffixes = cmaKnown ? [",high", ",low", ",cma"] : [",high", ",low"];
          const plains = tokens.filter(
            (t) => t.startsWith("crashkernel=") && !suffixes.some((s) => t.endsWith(s)),
          );
          const last = plains.at(-1);
          // (x86 before v6.7 goes on to ,high when that plain value fails: then ,high is the one used)
          if (last !== undefined && e.kind !== "high")
            expect(e.effective, context).toBe(last.slice("crashkernel=".length));
        },
      ),
      { numRuns: 600 },
    );
  }, 120_000);
});
