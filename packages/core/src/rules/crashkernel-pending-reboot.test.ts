import { readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkCrashkernelPendingReboot } from "./crashkernel-pending-reboot.ts";

describe("crashkernel.pending-reboot", () => {
  test("passes when GRUB and the running kernel agree", () => {
    expect(checkCrashkernelPendingReboot(readyUbuntu()).status).toBe("pass");
  });

  test("warns when the configured value differs and names both", () => {
    const r = checkCrashkernelPendingReboot(
      readyUbuntu({ configuredCrashkernel: { value: "2G-4G:320M,4G-32G:512M" } }),
    );
    expect(r.status).toBe("warn");
    expect(r.summary).toBe(
      "Configured crashkernel=2G-4G:320M,4G-32G:512M (/etc/default/grub.d/kdump-tools.cfg) differs from the running crashkernel=512M-:192M: takes effect after a reboot",
    );
    expect(r.remediation).toContain(
      "sudo reboot   # in a maintenance window: the reservation is made at boot",
    );
  });

  test("warns on Debian when the GRUB value was removed but the running kernel still has one", () => {
    const r = checkCrashkernelPendingReboot(
      readyUbuntu({ configuredCrashkernel: { value: null, file: null } }),
    );
    expect(r.status).toBe("warn");
  });

  test("on EL a missing GRUB value is only information (kernel args live in BLS entries)", () => {
    expect(checkCrashkernelPendingReboot(readyRhel()).status).toBe("info");
  });

  test("compares ,high values with their suffix", () => {
    const r = checkCrashkernelPendingReboot(
      readyUbuntu({
        crashkernel: { effective: "1G,high", kind: "high" },
        configuredCrashkernel: { value: "1G,high" },
      }),
    );
    expect(r.status, r.summary).toBe("pass");
  });

  test("is unknown when the GRUB defaults were not collected", () => {
    expect(
      checkCrashkernelPendingReboot(readyUbuntu({ configuredCrashkernel: { read: false } })).status,
    ).toBe("unknown");
  });
});
