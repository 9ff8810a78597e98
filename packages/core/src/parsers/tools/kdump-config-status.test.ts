import { describe, expect, test } from "vitest";
import ready from "../../../fixtures/other/constructed-kdump-config-status.txt?raw";
import notReady from "../../../fixtures/other/constructed-kdump-config-status-not-ready.txt?raw";
import { parseKdumpConfigStatus } from "./kdump-config-status.ts";

describe("parseKdumpConfigStatus", () => {
  test.each([
    ["constructed-kdump-config-status", ready, { ready: true, mode: "kdump" }],
    ["constructed-kdump-config-status-not-ready", notReady, { ready: false, mode: "kdump" }],
    ["inline fadump", "current state   : ready to fadump\n", { ready: true, mode: "fadump" }],
    ["inline CRLF", "current state   : Not ready to kdump\r\n", { ready: false, mode: "kdump" }],
    ["inline show-style spacing", "current state:    ready to kdump", { ready: true, mode: "kdump" }],
  ])("%s", (_name, text, want) => {
    const { value, issues } = parseKdumpConfigStatus(text);
    expect(value.state?.value, JSON.stringify(issues)).toEqual(want);
  });

  test("trap 11: status prints Not ready with exit 0; the state comes from the text, with the message before it", () => {
    const { value } = parseKdumpConfigStatus(
      " * /etc/default/kdump-tools: USE_KDUMP is not set or zero\ncurrent state   : Not ready to kdump\n",
    );
    expect(value.state?.value.ready).toBe(false);
    expect(value.messages.map((m) => m.code)).toEqual(["use-kdump-not-set"]);
  });

  test("empty input has no state and says so", () => {
    const { value, issues } = parseKdumpConfigStatus("");
    expect(value.state).toBeNull();
    expect(issues.map((i) => i.code)).toEqual(["no-state"]);
  });
});
