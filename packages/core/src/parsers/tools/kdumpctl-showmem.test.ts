import { describe, expect, test } from "vitest";
import showmem from "../../../fixtures/kdumpctl/constructed-showmem.txt?raw";
import { parseKdumpctlShowmem } from "./kdumpctl-showmem.ts";

describe("parseKdumpctlShowmem", () => {
  test.each([
    ["constructed-showmem", showmem, 256 * 1024 * 1024],
    ["EL7 plain", "Reserved 0MB memory for crash kernel\n", 0],
    ["CRLF", "Reserved 512MB memory for crash kernel\r\n", 512 * 1024 * 1024],
  ])("%s", (_n, text, bytes) => {
    expect(parseKdumpctlShowmem(text).value.reserved?.value).toBe(bytes);
  });

  test("other output gives no reservation and an issue", () => {
    const r = parseKdumpctlShowmem("kdump: Kdump is not supported on this kernel\n");
    expect(r.value.reserved).toBeNull();
    expect(r.issues[0]?.code).toBe("no-reservation-line");
  });
});
