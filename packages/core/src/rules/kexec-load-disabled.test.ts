import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkKexecLoadDisabled } from "./kexec-load-disabled.ts";

describe("kexec.load-disabled (R08)", () => {
  test.each([
    ["allowed, unlimited", false, -1, "ready", "pass"],
    ["allowed, 3 loads left", false, 3, "ready", "pass"],
    ["disabled, not loaded", true, -1, "not_ready", "fail"],
    ["disabled, already loaded", true, -1, "ready", "warn"],
    ["limit 0, not loaded", false, 0, "not_ready", "fail"],
    ["limit 0, already loaded", false, 0, "ready", "warn"],
    ["not collected", null, null, "ready", "unknown"],
  ] as const)("%s → %s", (_name, loadDisabled, limitPanic, state, status) => {
    const r = checkKexecLoadDisabled(readyUbuntu({ kexec: { loadDisabled, limitPanic }, kdump: { state } }));
    expect(r.status, r.summary).toBe(status);
  });

  test("a disabled host is told where the sysctl comes from and that a reboot is needed", () => {
    const r = checkKexecLoadDisabled(
      readyUbuntu({ kexec: { loadDisabled: true }, kdump: { state: "not_ready" } }),
    );
    expect(r.summary).toBe("kernel.kexec_load_disabled=1: no capture kernel can be loaded");
    expect(r.remediation?.join("\n")).toMatch(/sysctl[\s\S]*reboot/);
  });
});
