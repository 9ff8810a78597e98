/**
 * Tool-printed sizes are exact ByteCounts (byte-count.ts), like the kernel's reservation sizes: a
 * size at or above 2^53 bytes is a decimal string with every digit, never a rounded double.
 */
import { describe, expect, test } from "vitest";
import { judgeSnapshot } from "../../judge.ts";
import type { Snapshot } from "../../sources.ts";
import { parseDf } from "./df.ts";
import { parseKdumpConfigShow } from "./kdump-config-show.ts";
import { parseKdumpctlEstimate } from "./kdumpctl-estimate.ts";
import { parseKdumpctlShowmem } from "./kdumpctl-showmem.ts";
import { parseKdumptoolCalibrate } from "./kdumptool-calibrate.ts";
import { parseSizeText } from "./parse-size-text.ts";

// 2^53 + 1 1K-blocks: the double nearest the count is already 2^53, so × 1024 loses 1024 bytes
const HUGE_BLOCKS = "9007199254740993";
const HUGE_BLOCKS_BYTES = ((2n ** 53n + 1n) * 1024n).toString(); // 9223372036854776832
// 2^33 + 1 MiB = 2^53 + 2^20 bytes
const HUGE_MIB = "8589934593";
const HUGE_MIB_BYTES = ((2n ** 33n + 1n) << 20n).toString(); // 9007199255789568

describe("tool sizes at or above 2^53 stay exact", () => {
  test.each<[string, string, number | string | null]>([
    ["bytes, 2^53 + 1", "9007199254740993", "9007199254740993"],
    ["bytes, 2^64 − 1", "18446744073709551615", "18446744073709551615"],
    ["bytes, 2^64 is beyond the kernel", "18446744073709551616", null],
    ["T, exact", "8192T", (8192n << 40n).toString()],
    ["a fraction rounds half up to a byte", "0.5K", 512],
    ["a fraction of a huge size", "8388608.5T", ((8388608n << 40n) + (1n << 39n)).toString()],
    ["below 2^53 stays a number", "371M", 371 * 1024 ** 2],
  ])("parseSizeText: %s", (_name, text, bytes) => {
    expect(parseSizeText(text)).toBe(bytes);
  });

  test("df: size, used and available of a huge filesystem", () => {
    const df = parseDf(
      [
        "Filesystem     1024-blocks     Used Available Capacity Mounted on",
        `bigfs:/crash   ${HUGE_BLOCKS} 0 ${HUGE_BLOCKS} 0% /var/crash`,
      ].join("\n"),
      "/var/crash",
    ).value.match;
    expect(df?.sizeBytes).toBe(HUGE_BLOCKS_BYTES);
    expect(df?.availableBytes).toBe(HUGE_BLOCKS_BYTES);
    expect(df?.usedBytes).toBe(0);
  });

  test("kdumpctl showmem: a reservation of 2^33 + 1 MB", () => {
    const r = parseKdumpctlShowmem(`kdump: Reserved ${HUGE_MIB}MB memory for crash kernel\n`).value;
    expect(r.reserved?.value).toBe(HUGE_MIB_BYTES);
  });

  test("kdumpctl estimate: every size line and the large modules", () => {
    const { value } = parseKdumpctlEstimate(
      [
        "Reserved crashkernel:    9007199254740993",
        `Recommended crashkernel: ${HUGE_MIB}M`,
        "Kernel image size:   9007199254740995",
        "Large modules:",
        "    huge_mod: 9007199254740997",
        `WARNING: Current crashkernel size is lower than recommended size ${HUGE_MIB}M.`,
      ].join("\n"),
    );
    expect(value.reserved?.value).toBe("9007199254740993");
    expect(value.recommended?.value).toBe(HUGE_MIB_BYTES);
    expect(value.kernelImage?.value).toBe("9007199254740995");
    expect(value.largeModules.map((m) => m.bytes)).toEqual(["9007199254740997"]);
    expect(value.warning?.value).toBe(HUGE_MIB_BYTES);
  });

  test("kdumptool calibrate: Low + High and Fadump in exact bytes", () => {
    const { value } = parseKdumptoolCalibrate(`Low: 1\nHigh: ${HUGE_MIB}\nFadump: ${HUGE_MIB}\n`);
    expect(value.suggestedBytes).toBe(((2n ** 33n + 2n) << 20n).toString());
    expect(value.fadumpBytes).toBe(HUGE_MIB_BYTES);
  });

  test("kdump-config show: a huge suggested size", () => {
    const show = parseKdumpConfigShow(`crashkernel suggested size: ${HUGE_MIB}M\n`).value;
    expect(show.suggestedSize?.value.bytes).toBe(HUGE_MIB_BYTES);
  });
});

describe("end to end through the facts and JSON", () => {
  const snapshot = (sources: Snapshot["sources"]): Snapshot => ({
    collectedAt: "2025-01-01T00:00:00Z",
    sources: {
      os_release: { ok: true, text: 'ID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n' },
      kdump_conf: { ok: true, text: "path /var/crash\n" },
      ...sources,
    },
  });
  const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

  test("df's free space, estimate's recommendation and showmem's reservation keep every digit", () => {
    const { facts } = judgeSnapshot(
      snapshot({
        df_dump_dir: {
          ok: true,
          text: `Filesystem 1K-blocks Used Available Use% Mounted on\nbig:/c ${HUGE_BLOCKS} 0 ${HUGE_BLOCKS} 0% /var/crash\n`,
        },
        kdumpctl_estimate: {
          ok: true,
          text: "Reserved crashkernel:    512M\nRecommended crashkernel: 9007199254740993\n",
        },
        kdumpctl_showmem: { ok: true, text: `kdump: Reserved ${HUGE_MIB}MB memory for crash kernel\n` },
      }),
      new Date("2025-01-01T00:00:00Z"),
    );
    const back = roundTrip(facts);
    expect(back.dumpTarget.freeBytes).toBe(HUGE_BLOCKS_BYTES);
    expect(back.dumpTarget.sizeBytes).toBe(HUGE_BLOCKS_BYTES);
    expect(back.kdump.suggestedBytes).toBe("9007199254740993");
    expect(back.kdump.showmemBytes).toBe(HUGE_MIB_BYTES);
    expect(back.reservation.bytes, "showmem stands in for kexec_crash_size").toBe(HUGE_MIB_BYTES);
  });

  test("kdumptool calibrate's suggestion keeps every digit", () => {
    const { facts } = judgeSnapshot(
      snapshot({
        os_release: { ok: true, text: 'ID="sles"\nID_LIKE="suse"\nVERSION_ID="15.6"\n' },
        kdump_conf: { ok: false, error: "missing" },
        kdumptool_calibrate: { ok: true, text: `Total: 1\nLow: 72\nHigh: ${HUGE_MIB}\n` },
      }),
      new Date("2025-01-01T00:00:00Z"),
    );
    expect(roundTrip(facts).kdump.suggestedBytes).toBe(((2n ** 33n + 73n) << 20n).toString());
  });
});
