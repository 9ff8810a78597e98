import { describe, expect, test } from "vitest";
import notOperational from "../../../fixtures/kdumpctl/constructed-status-not-operational.txt?raw";
import operational from "../../../fixtures/kdumpctl/constructed-status-operational.txt?raw";
import legacy from "../../../fixtures/kdumpctl/constructed-status-rhel7-legacy.txt?raw";
import notice from "../../../fixtures/kdumpctl/constructed-status-with-test-notice.txt?raw";
import { parseKdumpctlStatus } from "./kdumpctl-status.ts";

describe("parseKdumpctlStatus", () => {
  test.each([
    ["constructed-status-operational", operational, true, true],
    ["constructed-status-not-operational", notOperational, false, true],
    ["constructed-status-rhel7-legacy", legacy, true, false],
    ["constructed-status-with-test-notice", notice, true, true],
  ])("%s", (_n, text, operationalWant, prefixed) => {
    const { value, issues } = parseKdumpctlStatus(text);
    expect(value.operational?.value, JSON.stringify(issues)).toBe(operationalWant);
    expect(value.prefixed).toBe(prefixed);
  });

  test("trap 24: EL8+ 'kdump: ' prefixed stderr and EL7 plain stdout read the same", () => {
    for (const [text, want] of [
      ["kdump: Kdump is not operational\n", false],
      ["Kdump is not operational\n", false],
      ["kdump: Kdump is operational\r\n", true],
      ["Kdump is operational", true],
    ] as const) {
      expect(parseKdumpctlStatus(text).value.operational?.value, text).toBe(want);
    }
  });

  test.each([
    [
      "kdump: Notice: Last successful vmcore creation test on 2025-03-14 09:12:55",
      "success",
      "2025-03-14 09:12:55",
    ],
    [
      "Notice: Last NOT successful vmcore creation test on 2025-03-15 10:00:00",
      "failed",
      "2025-03-15 10:00:00",
    ],
    [
      "kdump: Notice: Require manual check for vmcore creation test of 2025-03-16 11:00:00",
      "manual-check",
      "2025-03-16 11:00:00",
    ],
  ])("vmcore creation test notice: %s", (line, result, date) => {
    const { value } = parseKdumpctlStatus(`kdump: Kdump is operational\n${line}\n`);
    expect(value.lastTest).toEqual({ line: 2, text: line, result, date });
  });

  test("unsupported kernel is reported and no status is invented", () => {
    const { value } = parseKdumpctlStatus("kdump: Kdump is not supported on this kernel\n");
    expect(value.operational).toBeNull();
    expect(value.unsupported?.line).toBe(1);
  });
});
