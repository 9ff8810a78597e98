import { describe, expect, test } from "vitest";
import { checkKdumpEnabled } from "./kdump-enabled.ts";
import { readyRhel, readyUbuntu } from "./test-hosts.ts";

describe("kdump.enabled (R02)", () => {
  test.each([
    ["USE_KDUMP=1", { enabled: true, useKdump: "1" }, "pass"],
    ["USE_KDUMP=0", { enabled: false, useKdump: "0" }, "fail"],
    ["USE_KDUMP empty", { enabled: false, useKdump: "" }, "fail"],
    ["nothing collected", { enabled: null, useKdump: null }, "unknown"],
  ] as const)("%s → %s", (_name, kdump, status) => {
    const r = checkKdumpEnabled(readyUbuntu({ kdump }));
    expect(r.status, r.summary).toBe(status);
  });

  test("a disabled Debian host is told to set USE_KDUMP=1 and load", () => {
    const r = checkKdumpEnabled(readyUbuntu({ kdump: { enabled: false, useKdump: "0" } }));
    expect(r.summary).toContain("USE_KDUMP=0");
    expect(r.remediation?.join("\n")).toMatch(/USE_KDUMP=1[\s\S]*kdump-config load/);
  });

  test("an empty USE_KDUMP is shown as empty quotes", () => {
    expect(checkKdumpEnabled(readyUbuntu({ kdump: { enabled: false, useKdump: "" } })).summary).toContain(
      'USE_KDUMP=""',
    );
  });

  test("an EL host that is not enabled is told to enable the kdump service", () => {
    const r = checkKdumpEnabled(readyRhel({ kdump: { enabled: false } }));
    expect(r.status).toBe("fail");
    expect(r.remediation).toContain("sudo systemctl enable --now kdump");
  });

  test("a host without kdump tooling says that is why kdump is not enabled", () => {
    const r = checkKdumpEnabled(readyUbuntu({ kdump: { enabled: false, useKdump: null, installed: false } }));
    expect(r.status).toBe("fail");
    expect(r.summary).toContain("no kdump tooling is installed");
  });
});
