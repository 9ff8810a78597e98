import { describe, expect, test } from "vitest";
import noLuks from "../../../fixtures/kdumpctl/constructed-estimate-no-luks.txt?raw";
import luks from "../../../fixtures/kdumpctl/estimate-luks-howto.txt?raw";
import { parseKdumpctlEstimate } from "./kdumpctl-estimate.ts";

const M = 1024 * 1024;

describe("parseKdumpctlEstimate", () => {
  test.each([
    ["constructed-estimate-no-luks", noLuks, 192 * M, 256 * M, null, 0, false],
    ["estimate-luks-howto", luks, 256 * M, 655 * M, 512 * M, 2, true],
  ])("%s", (_n, text, reserved, recommended, luksBytes, modules, encrypted) => {
    const { value, issues } = parseKdumpctlEstimate(text);
    expect(issues, JSON.stringify(issues)).toEqual([]);
    expect(value.reserved?.value).toBe(reserved);
    expect(value.recommended?.value).toBe(recommended);
    expect(value.luks?.value ?? null).toBe(luksBytes);
    expect(value.largeModules).toHaveLength(modules);
    expect(value.encryptedTarget !== null).toBe(encrypted);
    expect(value.warning?.value).toBe(recommended);
  });

  test("large modules keep their byte sizes and lines", () => {
    const { value } = parseKdumpctlEstimate(luks);
    expect(value.largeModules.map((m) => [m.name, m.bytes])).toEqual([
      ["xfs", 1892352],
      ["nouveau", 2318336],
    ]);
  });

  test("no warning when the reservation is large enough", () => {
    const { value } = parseKdumpctlEstimate("Reserved crashkernel:    512M\nRecommended crashkernel: 256M\n");
    expect(value.warning).toBeNull();
    expect(value.reserved?.text).toBe("Reserved crashkernel:    512M");
  });

  test("an unreadable size is an issue, not a number", () => {
    const { value, issues } = parseKdumpctlEstimate("Reserved crashkernel:    lots\n");
    expect(value.reserved).toBeNull();
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ["bad-size", 1],
      ["no-estimate", undefined],
    ]);
  });
});
