import { describe, expect, test } from "vitest";
import dmesgDoc from "../../../fixtures/dmesg/x86-ubuntu-doc-reserving-64M.txt?raw";
import zeroed from "../../../fixtures/iomem/constructed-nonroot-zeroed.txt?raw";
import nested from "../../../fixtures/iomem/constructed-x86-nested.txt?raw";
import { bestSystemRam } from "./best-system-ram.ts";
import { parseDmesg } from "./dmesg.ts";
import { parseIomem } from "./iomem.ts";
import { parseMeminfo } from "./meminfo.ts";

const M = 1024 * 1024;

describe("bestSystemRam", () => {
  const dmesg = parseDmesg(dmesgDoc).value;
  const generic = parseDmesg("[    0.1] Memory: 8049316K/8388020K available (16384K kernel code)").value;
  const iomem = parseIomem(nested).value;
  const meminfo = parseMeminfo("MemTotal: 8026796 kB").value;

  test("ranks dmesg System RAM over iomem over dmesg Memory: over MemTotal", () => {
    expect(bestSystemRam({ dmesg, iomem, meminfo })).toEqual({ bytes: 1023 * M, source: "dmesg" });
    expect(bestSystemRam({ dmesg: generic, iomem, meminfo }).source).toBe("iomem");
    expect(bestSystemRam({ dmesg: generic, iomem: null, meminfo })).toEqual({
      bytes: 8388020 * 1024,
      source: "dmesg-memory",
    });
    expect(bestSystemRam({ meminfo })).toEqual({ bytes: 8026796 * 1024, source: "meminfo" });
    expect(bestSystemRam({})).toEqual({ bytes: null, source: null });
  });

  test("a zeroed (non-root) /proc/iomem is skipped", () => {
    expect(bestSystemRam({ iomem: parseIomem(zeroed).value, meminfo }).source).toBe("meminfo");
  });
});
