import { describe, expect, test } from "vitest";
import { parseMeminfo } from "./meminfo.ts";

const sample = `MemTotal:        8026796 kB
MemFree:         6012332 kB
MemAvailable:    7400000 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
`;

describe("parseMeminfo", () => {
  test("kB fields become bytes, unit-less fields stay counts", () => {
    const r = parseMeminfo(sample);
    expect(r.value.memTotalBytes).toBe(8026796 * 1024);
    expect(r.value.memAvailableBytes).toBe(7400000 * 1024);
    expect(r.value.values.HugePages_Total).toBe(0);
    expect(r.value.values.Hugepagesize).toBe(2048 * 1024);
    expect(r.issues).toEqual([]);
  });

  test.each([
    ["CRLF", "MemTotal:  1024 kB\r\nMemFree: 12 kB\r\n", 1024 * 1024, ["crlf"]],
    ["missing MemTotal", "MemFree: 12 kB\n", null, ["no-memtotal"]],
    ["a garbage line", "MemTotal: 2 kB\n\uFFFDgarbage\n", 2048, ["invalid-utf8", "unparsed-line"]],
    ["empty", "", null, ["no-memtotal"]],
    ["a key named like an Object prototype member", "__proto__: 5 kB\nMemTotal: 1 kB", 1024, []],
  ])("%s", (_name, text, total, codes) => {
    const r = parseMeminfo(text);
    expect(r.value.memTotalBytes).toBe(total);
    expect(r.issues.map((i) => i.code)).toEqual(codes);
  });
});
