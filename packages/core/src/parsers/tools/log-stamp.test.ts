import { describe, expect, test } from "vitest";
import { localKey, monthNumber, readLogStamp } from "./log-stamp.ts";

describe("readLogStamp reads every date format a kdump host writes", () => {
  test.each([
    // [line, kind, month, day, seconds of day, epoch ms (null: no zone or year)]
    ["Jan 21 06:59:11 r-vm kdump-tools[5348]: x", "syslog", 1, 21, 25151, null],
    ["Feb  8 10:27:40.724423 kdumpctl[940]: x", "syslog", 2, 8, 37660.724423, null],
    ["Mär  3 10:00:01 web01 systemd[1]: x", "syslog", 3, 3, 36001, null],
    ["Mrz  3 10:00:01 web01 systemd[1]: x", "syslog", 3, 3, 36001, null],
    ["févr. 11 08:00:00 srv kdumpctl[12]: x", "syslog", 2, 11, 28800, null],
    ["juil. 14 23:59:59 srv kdumpctl[12]: x", "syslog", 7, 14, 86399, null],
    ["ene 02 00:00:01 srv kdumpctl[12]: x", "syslog", 1, 2, 1, null],
    ["dic 31 12:00:00 srv kdumpctl[12]: x", "syslog", 12, 31, 43200, null],
    ["okt 09 08:15:00 srv kdumpctl[12]: x", "syslog", 10, 9, 29700, null],
    ["paź 09 08:15:00 srv kdumpctl[12]: x", "syslog", 10, 9, 29700, null],
    ["окт 09 08:15:00 srv kdumpctl[12]: x", "syslog", 10, 9, 29700, null],
    ["9月 17 16:52:14 localhost.localdomain systemd[1]: x", "syslog", 9, 17, 60734, null],
    ["3월 22 17:12:07 host systemd[1]: x", "syslog", 3, 22, 61927, null],
    ["2024-01-21T06:59:11+0000 host kdumpctl[812]: x", "iso", 1, 21, 25151, Date.UTC(2024, 0, 21, 6, 59, 11)],
    [
      "2024-11-02T08:11:49.240332+00:00 app03 x",
      "iso",
      11,
      2,
      29509.240332,
      Date.UTC(2024, 10, 2, 8, 11, 49, 240.332),
    ],
    ["2024-03-03T10:00:01.5-05:00 h x", "iso", 3, 3, 36001.5, Date.UTC(2024, 2, 3, 15, 0, 1, 500)],
    ["2024-03-03T10:00:01Z h x", "iso", 3, 3, 36001, Date.UTC(2024, 2, 3, 10, 0, 1)],
    ["Mon 2024-01-21 06:59:11 UTC host systemd[1]: x", "iso", 1, 21, 25151, Date.UTC(2024, 0, 21, 6, 59, 11)],
    ["2024-01-21 06:59:11 host x", "iso", 1, 21, 25151, null],
    ["+ 2024-04-13 08:42:55 /usr/bin/kdumpctl@679: ret=0", "iso", 4, 13, 31375, null],
  ] as const)("%j", (line, kind, month, day, secondOfDay, epochMs) => {
    const stamp = readLogStamp(line);
    expect(stamp).toMatchObject({ kind, month, day, epochMs });
    expect(stamp?.secondOfDay).toBeCloseTo(secondOfDay, 5);
    expect(line.startsWith(stamp?.text ?? "\u0000")).toBe(true);
  });

  test("kernel seconds since boot are monotonic stamps", () => {
    expect(readLogStamp("[    6.200355] kdump-tools[708]: x")).toMatchObject({
      kind: "monotonic",
      monotonic: 6.200355,
    });
  });

  test.each([
    "kexec_file_load failed: Operation not permitted",
    "Copying data                                      : [100.0 %] \\",
    "Reserved 256MB memory for crash kernel",
    "Foo 21 06:59:11 not a month",
    "Jan 41 06:59:11 not a day",
    "2024-13-01T00:00:00Z not a month",
    "",
  ])("no stamp in %j", (line) => {
    expect(readLogStamp(line)).toBeNull();
  });

  test("a hostile line is read in bounded time", () => {
    const start = performance.now();
    readLogStamp(`${"Jan ".repeat(200_000)}21`);
    expect(performance.now() - start).toBeLessThan(200);
  });
});

describe("monthNumber", () => {
  test.each([
    ["Jan", 1],
    ["MAR", 3],
    ["Mär", 3],
    ["mai", 5],
    ["mei", 5],
    ["août", 8],
    ["sept.", 9],
    ["out", 10],
    ["déc.", 12],
    ["12月", 12],
    ["13月", null],
    ["xyz", null],
  ] as const)("%s → %s", (name, month) => {
    expect(monthNumber(name)).toBe(month);
  });
});

test("localKey orders stamps of one clock, and not monotonic ones", () => {
  const a = readLogStamp("Jun 10 06:02:41 h x")!;
  const b = readLogStamp("Jun 10 07:15:09 h x")!;
  const c = readLogStamp("Jul  1 00:00:00 h x")!;
  expect(localKey(a)! < localKey(b)!).toBe(true);
  expect(localKey(b)! < localKey(c)!).toBe(true);
  expect(localKey(readLogStamp("[ 1.0] x")!)).toBeNull();
});
