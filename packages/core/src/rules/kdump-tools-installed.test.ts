import { readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkKdumpToolsInstalled } from "./kdump-tools-installed.ts";

describe("kdump.tools-installed (R01)", () => {
  test("passes when kdump-config answered", () => {
    const r = checkKdumpToolsInstalled(readyUbuntu());
    expect(r.status, r.summary).toBe("pass");
    expect(r.summary).toMatch(/kdump-tools/);
    expect(r.remediation).toBeUndefined();
    expect(r.evidence).toContainEqual({ source: "kdump_config_show", text: "DUMP_MODE:\t\tkdump" });
  });

  test("passes on EL when kdumpctl answered", () => {
    expect(checkKdumpToolsInstalled(readyRhel()).summary).toMatch(/kdumpctl/);
  });

  test("fails with the apt install command on Ubuntu when neither tool is found", () => {
    const r = checkKdumpToolsInstalled(readyUbuntu({ kdump: { installed: false, tool: null } }));
    expect(r.status).toBe("fail");
    expect(r.remediation?.[0]).toBe("sudo apt install kdump-tools");
  });

  test("fails with a dnf command on EL", () => {
    const r = checkKdumpToolsInstalled(readyRhel({ kdump: { installed: false, tool: null } }));
    expect(r.remediation?.[0]).toMatch(/^sudo dnf install kdump-utils/);
  });

  test("is unknown, not pass, when the tools were not asked", () => {
    const r = checkKdumpToolsInstalled(readyUbuntu({ kdump: { installed: null } }));
    expect(r.status).toBe("unknown");
    expect(r.remediation?.length).toBeGreaterThan(0);
  });

  test("labels every family's commands when neither the distro nor the tooling is known", () => {
    const r = checkKdumpToolsInstalled(
      readyUbuntu({ kdump: { installed: false, tool: null }, identity: { os: { family: "unknown" } } }),
    );
    expect(r.remediation).toContain("Debian/Ubuntu: sudo apt install kdump-tools");
    expect(r.remediation?.some((s) => s.startsWith("RHEL/Fedora/Amazon Linux: sudo dnf install"))).toBe(true);
    expect(r.remediation).toContain("SUSE/openSUSE: sudo zypper install kdump yast2-kdump");
    expect(r.remediation).toContain("Azure Linux: sudo tdnf install kexec-tools");
  });
});
