import { readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkKdumpServiceState } from "./kdump-service-state.ts";

describe("kdump.service-state (R16)", () => {
  test("passes when loaded", () => {
    expect(checkKdumpServiceState(readyUbuntu()).status).toBe("pass");
  });

  test("trap 11: service finished starting after a failed load warns", () => {
    const r = checkKdumpServiceState(
      readyUbuntu({ kdump: { state: "not_ready" }, service: { started: true, lastLoad: "failed" } }),
    );
    expect(r.status).toBe("warn");
    expect(r.summary).toBe("The kdump service reports success although the load failed");
  });

  test("trap 11: service active with USE_KDUMP=0 (load skipped) warns", () => {
    const r = checkKdumpServiceState(
      readyUbuntu({ kdump: { state: "not_ready" }, service: { started: true, lastLoad: "skipped" } }),
    );
    expect(r.status).toBe("warn");
  });

  test("trap 11: kdump-tools output without systemd lines still means an 'active' unit after a failed load", () => {
    const r = checkKdumpServiceState(
      readyUbuntu({ kdump: { state: "not_ready" }, service: { started: null, lastLoad: "failed" } }),
    );
    expect(r.status).toBe("warn");
  });

  test.each([
    ["an EL host whose kdumpctl output was not collected (sos < 4.10)", "el"],
    ["a SUSE host (load.sh's unit fails too)", "suse"],
  ] as const)("a failed load without systemd lines is no false 'active' on %s", (_name, family) => {
    const r = checkKdumpServiceState(
      readyRhel({
        identity: { os: { family } },
        kdump: { state: "not_ready", tool: null },
        service: { started: null, lastLoad: "failed", read: true },
      }),
    );
    expect(r.status, r.summary).toBe("info");
  });

  test("on a Debian-family host whose tool did not answer, a failed load still means an 'active' unit", () => {
    const r = checkKdumpServiceState(
      readyUbuntu({
        kdump: { state: "not_ready", tool: null },
        service: { started: null, lastLoad: "failed" },
      }),
    );
    expect(r.status).toBe("warn");
  });

  test("an EL unit that failed to start tells the truth: information", () => {
    const r = checkKdumpServiceState(
      readyRhel({ kdump: { state: "not_ready" }, service: { started: false, lastLoad: "failed" } }),
    );
    expect(r.status).toBe("info");
    expect(r.summary).toBe("The kdump service reports the failure itself; see kdump.loaded");
  });

  test.each([
    ["kdump.service (kdumpctl, load.sh), no systemd line", "kdump", null, "info"],
    ["unit unknown on an EL host whose tool was not run", null, null, "info"],
    ["kdump-tools.service named by its own lines", "kdump-tools", null, "warn"],
  ] as const)("a failed load logged by %s → %s", (_name, unit, tool, status) => {
    const r = checkKdumpServiceState(
      readyRhel({
        kdump: { state: "not_ready", tool },
        service: { started: null, lastLoad: "failed", unit },
      }),
    );
    expect(r.status, r.summary).toBe(status === "info" ? "info" : "warn");
    if (unit === "kdump") expect(r.summary).toMatch(/^The kdump service reports the failure itself/);
  });

  test("a service that did not start is information (kdump.loaded carries the failure)", () => {
    const r = checkKdumpServiceState(
      readyUbuntu({ kdump: { state: "not_ready" }, service: { started: false, lastLoad: null } }),
    );
    expect(r.status).toBe("info");
  });

  test.each([
    ["success", "pass"],
    ["failed", "warn"],
    ["manual-check", "warn"],
  ] as const)("EL last vmcore creation test %s → %s", (result, status) => {
    const r = checkKdumpServiceState(
      readyRhel({ kdump: { lastTest: { result, date: "2025-03-14 09:12:55", evidence: [] } } }),
    );
    expect(r.status, r.summary).toBe(status);
  });

  test("EL without any recorded test is information", () => {
    expect(checkKdumpServiceState(readyRhel()).status).toBe("info");
  });

  test("is unknown when not loaded and the journal was not collected", () => {
    const r = checkKdumpServiceState(
      readyUbuntu({ kdump: { state: "not_ready" }, service: { read: false, started: null, lastLoad: null } }),
    );
    expect(r.status).toBe("unknown");
  });
});
