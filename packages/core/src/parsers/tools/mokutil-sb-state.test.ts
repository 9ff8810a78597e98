import { describe, expect, test } from "vitest";
import disabled from "../../../fixtures/other/mokutil-sb-state-disabled.txt?raw";
import enabled from "../../../fixtures/other/mokutil-sb-state-enabled.txt?raw";
import noEfi from "../../../fixtures/other/mokutil-sb-state-no-efi.txt?raw";
import { parseMokutilSbState } from "./mokutil-sb-state.ts";

describe("parseMokutilSbState", () => {
  test.each([
    ["mokutil-sb-state-enabled", enabled, "enabled"],
    ["mokutil-sb-state-disabled", disabled, "disabled"],
    ["mokutil-sb-state-no-efi", noEfi, "unsupported"],
    ["CRLF", "SecureBoot enabled\r\n", "enabled"],
    ["junk", "mokutil: command not found\n", null],
  ])("%s", (_n, text, state) => {
    expect(parseMokutilSbState(text).value.state?.value ?? null).toBe(state);
  });

  test("shim validation disabled is noted beside the state", () => {
    const { value } = parseMokutilSbState("SecureBoot enabled\nSecureBoot validation is disabled in shim\n");
    expect(value.state?.line).toBe(1);
    expect(value.shimValidationDisabled).toBe(true);
  });
});
