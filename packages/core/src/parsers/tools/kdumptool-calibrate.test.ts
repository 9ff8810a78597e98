import { expect, test } from "vitest";
import calibrate from "../../../fixtures/kdumptool/suse-kdumptool-calibrate-constructed.txt?raw";
import { parseKdumptoolCalibrate } from "./kdumptool-calibrate.ts";

const MiB = 1024 * 1024;

test("kdumptool calibrate: Low + High is what SUSE would reserve", () => {
  const { value, issues } = parseKdumptoolCalibrate(calibrate);
  expect(issues).toEqual([]);
  expect(value.values.Low?.value).toBe(72);
  expect(value.values.High?.value).toBe(245);
  expect(value.suggestedBytes).toBe((72 + 245) * MiB);
  expect(value.fadumpBytes).toBeNull();
});

test("ppc64 Fadump line and an empty calibration", () => {
  const ppc = parseKdumptoolCalibrate("Total: 65536\nLow: 0\nHigh: 0\nFadump: 4096\n").value;
  expect(ppc.fadumpBytes).toBe(4096 * MiB);
  expect(ppc.suggestedBytes).toBeNull();
  expect(parseKdumptoolCalibrate("garbage").issues.map((i) => i.code)).toEqual(["no-low"]);
});
