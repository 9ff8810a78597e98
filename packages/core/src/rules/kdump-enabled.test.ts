import { readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkKdumpEnabled } from "./kdump-enabled.ts";

describe("kdump.enabled (R02)", () => {
  test.each([
    ["USE_KDUMP=1", { enabled: true, useKdump: "1", state: "not_ready" }, "pass"],
    ["USE_KDUMP=0", { enabled: false, useKdump: "0", state: "not_ready" }, "fail"],
    ["USE_KDUMP empty", { enabled: false, useKdump: "", state: "not_ready" }, "fail"],
    ["nothing collected", { enabled: null, useKdump: null, state: null }, "unknown"],
    [
      "USE_KDUMP=0 while a capture kernel is still loaded",
      { enabled: false, useKdump: "0", state: "ready" },
      "warn",
    ],
  ] as const)("%s → %s", (_name, kdump, status) => {
    const r = checkKdumpEnabled(readyUbuntu({ kdump }));
    expect(r.status, r.summary).toBe(status);
  });

  test("armed now but switched off for the next boot says so: at risk, not ready-or-not", () => {
    const r = checkKdumpEnabled(readyRhel({ kdump: { enabled: false }, service: { enabledAtBoot: false } }));
    expect(r.status).toBe("warn");
    expect(r.summary).toBe(
      "A capture kernel is loaded now, but kdump is switched off for the next boot (the kdump service is disabled at boot)",
    );
    expect(r.remediation).toContain("sudo systemctl enable --now kdump");
  });

  test("a disabled Debian host is told to set USE_KDUMP=1 and load", () => {
    const r = checkKdumpEnabled(
      readyUbuntu({ kdump: { enabled: false, useKdump: "0", state: "not_ready" } }),
    );
    expect(r.summary).toContain("USE_KDUMP=0");
    expect(r.remediation?.join("\n")).toMatch(/USE_KDUMP=1[\s\S]*kdump-config load/);
  });

  test("an empty USE_KDUMP is shown as empty quotes", () => {
    expect(checkKdumpEnabled(readyUbuntu({ kdump: { enabled: false, useKdump: "" } })).summary).toContain(
      'USE_KDUMP=""',
    );
  });

  test("an EL host that is not enabled is told to enable the kdump service", () => {
    const r = checkKdumpEnabled(readyRhel({ kdump: { enabled: false, state: "not_ready" } }));
    expect(r.status).toBe("fail");
    expect(r.remediation).toContain("sudo systemctl enable --now kdump");
  });

  test("a host without kdump tooling says that is why kdump is not enabled", () => {
    const r = checkKdumpEnabled(
      readyUbuntu({ kdump: { enabled: false, useKdump: null, installed: false, state: null } }),
    );
    expect(r.status).toBe("fail");
    expect(r.summary).toContain("no kdump tooling is installed");
  });
});
