import { describe, expect, test } from "vitest";
import zeroed from "../../../fixtures/iomem/constructed-nonroot-zeroed.txt?raw";
import lowHigh from "../../../fixtures/iomem/constructed-x86-low-and-high.txt?raw";
import nested from "../../../fixtures/iomem/constructed-x86-nested.txt?raw";
import arm64Low from "../../../fixtures/iomem/patched-arm64-low-high.txt?raw";
import xsosIssue from "../../../fixtures/iomem/xsos-issue-crash-kernel.txt?raw";
import xsosRhel7 from "../../../fixtures/iomem/xsos-rhel7-crash-kernel.txt?raw";
import { parseDmesg } from "./dmesg.ts";
import { parseIomem } from "./iomem.ts";

const M = 1024 * 1024;

describe("parseIomem over the fixtures", () => {
  test.each<[string, string, string[], number | null, number | null, boolean]>([
    [
      "constructed-x86-nested",
      nested,
      ["0x5f000000+256M under System RAM"],
      256 * M,
      0x9efff - 0x1000 + 1 + (0xbffd9fff - 0x100000 + 1) + (0x23fffffff - 0x100000000 + 1),
      false,
    ],
    [
      "constructed-x86-low-and-high",
      lowHigh,
      ["0xab000000+256M under System RAM low", "0x101f000000+512M under System RAM"],
      768 * M,
      0xbffd9fff - 0x100000 + 1 + (0x103fffffff - 0x100000000 + 1),
      false,
    ],
    ["patched-arm64-low-high", arm64Low, ["0xb0000000+256M low", "0xbfcbe00000+786M"], 1042 * M, null, false],
    ["xsos-rhel7-crash-kernel", xsosRhel7, ["0x2b000000+161M"], 161 * M, null, false],
    ["xsos-issue-crash-kernel", xsosIssue, ["0x3000000+138M"], 138 * M, null, false],
    ["constructed-nonroot-zeroed", zeroed, ["?+? under System RAM"], null, null, true],
  ])("%s", (_name, text, regions, crashBytes, ramBytes, isZeroed) => {
    const r = parseIomem(text);
    expect(
      r.value.crashKernel.map(
        (c) =>
          `${c.startBytes === null ? "?" : `0x${BigInt(c.startBytes).toString(16)}`}+${c.sizeBytes === null ? "?" : `${Number(c.sizeBytes) / M}M`}${c.parent ? ` under ${c.parent}` : ""}${c.low ? " low" : ""}`,
      ),
    ).toEqual(regions);
    expect(r.value.crashKernelBytes).toBe(crashBytes);
    expect(r.value.systemRamBytes).toBe(ramBytes);
    expect(r.value.zeroed).toBe(isZeroed);
  });
});

describe("parseIomem traps", () => {
  test("trap 6: a low+high reservation shows two Crash kernel entries of the same name", () => {
    const v = parseIomem(lowHigh).value;
    expect(v.crashKernel.map((c) => [c.name, c.low])).toEqual([
      ["Crash kernel", true],
      ["Crash kernel", false],
    ]);
  });

  test("trap 7: iomem prints the inclusive end, so the size is end - start + 1", () => {
    const c = parseIomem("  5f000000-6effffff : Crash kernel").value.crashKernel[0];
    expect([c?.startBytes, c?.endBytes, c?.sizeBytes]).toEqual([0x5f000000, 0x6effffff, 256 * M]);
    const d = parseDmesg("crashkernel reserved: 0x000000005f000000 - 0x000000006f000000 (256 MB)").value
      .reservations[0];
    expect([d?.baseBytes, d?.sizeBytes], "the dmesg line of the same region agrees").toEqual([
      c?.startBytes,
      c?.sizeBytes,
    ]);
    expect(d?.endBytes, "dmesg's end is exclusive").toBe(Number(c?.endBytes ?? 0) + 1);
  });

  test("trap 10: a non-root read zeroes every address: regions are known to exist, sizes are unknown", () => {
    const r = parseIomem(zeroed);
    expect(r.value.zeroed).toBe(true);
    expect(r.value.crashKernel).toHaveLength(1);
    expect(r.value.crashKernel[0]?.sizeBytes).toBe(null);
    expect(r.issues.map((i) => i.code)).toEqual(["zeroed"]);
  });

  test("only top-level System RAM counts; nested entries and other names do not", () => {
    const v = parseIomem(
      "00001000-00001fff : System RAM\n  00001000-00001fff : System RAM\n00002000-00002fff : Reserved",
    ).value;
    expect(v.systemRamBytes).toBe(0x1000);
  });

  test("the name match is case-insensitive and ignores trailing spaces and CRLF", () => {
    const v = parseIomem("  2b000000-350fffff : crash kernel  \r\n").value;
    expect(v.crashKernel.map((c) => c.sizeBytes)).toEqual([161 * M]);
  });

  test("garbage lines are reported and skipped, without losing the good ones", () => {
    const r = parseIomem("hello\n  2b000000-350fffff : Crash kernel\nzz-yy : x");
    expect(r.value.crashKernel).toHaveLength(1);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ["unparsed-line", 1],
      ["unparsed-line", 3],
    ]);
  });
});
