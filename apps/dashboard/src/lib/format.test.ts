import { describe, expect, test } from "vitest";
import {
  formatBytes,
  formatCount,
  formatDateTime,
  formatExactBytes,
  formatRelative,
  formatShare,
  orDash,
} from "./format.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe("formatBytes", () => {
  test.each([
    [null, "—"],
    [undefined, "—"],
    [-1, "—"],
    [Number.NaN, "—"],
    [0, "0 B"],
    [512, "512 B"],
    [1536, "1.5 KiB"],
    [256 * MiB, "256 MiB"],
    [192 * MiB, "192 MiB"],
    [8191 * MiB, "8 GiB"],
    [7.8 * GiB, "7.8 GiB"],
    [16 * GiB, "16 GiB"],
    [1023.97 * MiB, "1 GiB"],
    [2 * 1024 * GiB, "2 TiB"],
    ["9007199254740993", "8 PiB"],
    ["18446744073709551615", "16 EiB"],
    ["not a count", "—"],
    ["9007199254740991", "—"], // a string below 2^53 is not how the API writes it
  ])("shows %s bytes as %s", (bytes, expected) => {
    expect(formatBytes(bytes as never)).toBe(expected);
  });
});

describe("formatExactBytes: every byte, also from 2^53 on", () => {
  test.each([
    [0, "0 bytes"],
    [192 * MiB, "201,326,592 bytes"],
    ["9007199254740993", "9,007,199,254,740,993 bytes"],
    ["18446744073709551615", "18,446,744,073,709,551,615 bytes"],
    [null, "—"],
  ])("%s → %s", (bytes, expected) => {
    expect(formatExactBytes(bytes as never)).toBe(expected);
  });
});

describe("formatShare", () => {
  test.each([
    [0, 0, "—"],
    [0, 10, "0%"],
    [10, 10, "100%"],
    [62, 100, "62%"],
    [1, 300, "<1%"],
    // 99,999 of 100,000 must not read as a fully ready fleet
    [99_999, 100_000, "99.9%"],
    [995, 1000, "99.5%"],
  ])("%i of %i reads %s", (part, total, expected) => {
    expect(formatShare(part, total)).toBe(expected);
  });
});

describe("formatRelative", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  test.each([
    ["2026-11-26T11:59:40Z", "just now"],
    ["2026-11-26T11:56:00Z", "4 min ago"],
    ["2026-11-26T09:00:00Z", "3 h ago"],
    ["2026-11-14T12:00:00Z", "12 d ago"],
    ["2026-06-26T12:00:00Z", "5 mo ago"],
    ["2026-11-26T12:02:00Z", "in 2 min"],
    ["not a date", "—"],
    [null, "—"],
  ])("%s reads %s", (iso, expected) => {
    expect(formatRelative(iso, now)).toBe(expected);
  });
});

test("formatDateTime prints local time to the minute, and a dash for nothing", () => {
  const d = new Date(2026, 10, 26, 9, 5);
  expect(formatDateTime(d.toISOString())).toBe("2026-11-26 09:05");
  expect(formatDateTime(null)).toBe("—");
  expect(formatDateTime("garbage")).toBe("—");
});

test("formatCount separates thousands whatever the locale", () => {
  expect(formatCount(100000)).toBe("100,000");
});

test("orDash shows a dash for values the host did not report", () => {
  expect(orDash(null)).toBe("—");
  expect(orDash("")).toBe("—");
  expect(orDash("Ubuntu 24.04 LTS")).toBe("Ubuntu 24.04 LTS");
});
