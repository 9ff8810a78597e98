import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkKexecLockdown } from "./kexec-lockdown.ts";

const eperm = { source: "kdump_service_journal", text: "kexec_file_load failed: Operation not permitted" };
const lockdownLine = {
  source: "dmesg",
  text: "[  512.331208] Lockdown: kexec: kexec of unsigned images is restricted; see man kernel_lockdown.7",
};
const integrity = { lockdown: "integrity", lockdownActive: true, secureBoot: true } as const;

describe("kexec.lockdown (R07)", () => {
  test("passes when lockdown is off", () => {
    const r = checkKexecLockdown(readyUbuntu());
    expect(r.status, r.summary).toBe("pass");
  });

  test("fails when the kernel logged a lockdown kexec refusal and nothing is loaded", () => {
    const r = checkKexecLockdown(
      readyUbuntu({
        security: { ...integrity, lockdownKexecLines: [lockdownLine] },
        kdump: { state: "not_ready", loadErrors: [eperm] },
      }),
    );
    expect(r.status).toBe("fail");
    expect(r.evidence).toContainEqual(lockdownLine);
    expect(r.remediation?.join("\n")).toMatch(/signed kernel[\s\S]*-s[\s\S]*mokutil/);
  });

  test("fails on EPERM with lockdown active", () => {
    const r = checkKexecLockdown(
      readyUbuntu({ security: integrity, kdump: { state: "not_ready", loadErrors: [eperm] } }),
    );
    expect(r.status).toBe("fail");
    expect(r.summary).toContain("lockdown=integrity");
  });

  test("fails on EPERM with Secure Boot on and the lockdown file unreadable", () => {
    const r = checkKexecLockdown(
      readyUbuntu({
        security: { lockdown: null, lockdownActive: null, secureBoot: true },
        kdump: { state: "not_ready", loadErrors: [eperm] },
      }),
    );
    expect(r.status).toBe("fail");
    expect(r.summary).toContain("Secure Boot enabled");
  });

  test("trap 17: EPERM with lockdown on but kexec_load_disabled=1 and no Lockdown line is unknown", () => {
    const r = checkKexecLockdown(
      readyUbuntu({
        security: integrity,
        kexec: { loadDisabled: true },
        kdump: { state: "not_ready", loadErrors: [eperm] },
      }),
    );
    expect(r.status, r.summary).toBe("unknown");
  });

  test("trap 17: EPERM with lockdown off is not blamed on lockdown", () => {
    const r = checkKexecLockdown(
      readyUbuntu({ kexec: { loadDisabled: true }, kdump: { state: "not_ready", loadErrors: [eperm] } }),
    );
    expect(r.status).toBe("pass");
  });

  test("passes when lockdown is on and the capture kernel is loaded with -s", () => {
    const r = checkKexecLockdown(readyUbuntu({ security: integrity, kdump: { kexecUsesFileLoad: true } }));
    expect(r.status, r.summary).toBe("pass");
  });

  test("warns when lockdown is on, loaded, but the recorded kexec command lacks -s", () => {
    const r = checkKexecLockdown(readyUbuntu({ security: integrity, kdump: { kexecUsesFileLoad: false } }));
    expect(r.status, r.summary).toBe("warn");
    expect(r.remediation?.[0]).toMatch(/2\.0\.27/);
  });

  test("a loaded capture kernel passes even if the lockdown state is unknown", () => {
    const r = checkKexecLockdown(
      readyUbuntu({ security: { lockdown: null, lockdownActive: null, secureBoot: null } }),
    );
    expect(r.status).toBe("pass");
  });

  test("is unknown when lockdown is on, nothing loaded and no load attempt recorded", () => {
    const r = checkKexecLockdown(readyUbuntu({ security: integrity, kdump: { state: "not_ready" } }));
    expect(r.status).toBe("unknown");
  });

  test("is unknown when nothing is known and nothing loaded", () => {
    const r = checkKexecLockdown(
      readyUbuntu({
        security: { lockdown: null, lockdownActive: null, secureBoot: null },
        kdump: { state: null },
      }),
    );
    expect(r.status).toBe("unknown");
  });

  test("says the signature was never checked when the last load failed for another reason", () => {
    const r = checkKexecLockdown(
      readyUbuntu({ security: integrity, kdump: { state: "not_ready" }, service: { lastLoad: "failed" } }),
    );
    expect(r.status).toBe("unknown");
    expect(r.summary).toContain("failed for another reason");
  });
});
