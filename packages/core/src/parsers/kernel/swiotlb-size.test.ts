import { describe, expect, test } from "vitest";
import { evaluateCrashkernel } from "./evaluate-crashkernel.ts";
import { swiotlbBytes } from "./swiotlb-size.ts";

const M = 1n << 20n;

describe("swiotlbBytes: setup_io_tlb_npages() of kernel/dma/swiotlb.c", () => {
  test.each<[string, bigint, bigint]>([
    ["ro quiet", 64n * M, 64n * M],
    ["swiotlb=65536", 128n * M, 128n * M],
    ["swiotlb=262144,force", 512n * M, 512n * M],
    ["swiotlb=100", 256n * 1024n, 256n * 1024n], // rounded up to 128 slabs of 2 KiB
    ["swiotlb=0x10000", 128n * M, 128n * M],
    ["swiotlb=0", 64n * M, 0n], // v5.x falls back to the default, later kernels keep 0
    ["swiotlb=noforce", 2048n, 64n * M], // v5.x: one slab
    ["swiotlb=65536 swiotlb=force", 128n * M, 128n * M], // a later flag keeps the size
    ["swiotlb=65536 swiotlb=131072", 256n * M, 256n * M], // the last size wins
    ["swiotlb=130000,4", 254n * M, 256n * M], // areas: rounded up to a power of two
    ["Swiotlb=131072", 64n * M, 64n * M], // parameter names are case-sensitive
    ["-- swiotlb=131072", 64n * M, 64n * M], // after --, init's arguments
  ])("%s → %s bytes before areas, %s after", (cmdline, before, after) => {
    expect(swiotlbBytes(cmdline, { areas: false })).toBe(before);
    expect(swiotlbBytes(cmdline, { areas: true })).toBe(after);
  });
});

describe("the x86 default low region follows swiotlb=: max(swiotlb + 8M, 256M)", () => {
  const MIB = 1024 * 1024;
  test.each<[string, string, number]>([
    ["6.8.0-45-generic", "crashkernel=1G,high", 256],
    ["6.8.0-45-generic", "crashkernel=1G,high swiotlb=131072", 264],
    ["5.15.0-69-generic", "crashkernel=1G,high swiotlb=262144", 520],
    ["5.15.0-69-generic", "crashkernel=1G,high swiotlb=65536", 256],
  ])("%s %s → %i MiB low region", (kernelVersion, cmdline, lowMiB) => {
    const e = evaluateCrashkernel({
      cmdline,
      systemRamBytes: 64 * 1024 * MIB,
      ramSource: "iomem",
      kernelVersion,
      arch: "x86_64",
    });
    expect(e.lowBytes).toBe(lowMiB * MIB);
    expect(e.expectedBytes).toBe(1024 * MIB + lowMiB * MIB);
  });

  test("arm64's default low region does not depend on swiotlb= (a fixed 128 MiB)", () => {
    const e = evaluateCrashkernel({
      cmdline: "crashkernel=1G,high swiotlb=262144",
      systemRamBytes: 64 * 1024 * MIB,
      ramSource: "iomem",
      kernelVersion: "6.8.0-45-generic",
      arch: "aarch64",
    });
    expect(e.lowBytes).toBe(128 * MIB);
  });
});
