import { readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkKdumpLoaded } from "./kdump-loaded.ts";

describe("kdump.loaded (R06)", () => {
  test.each([
    ["ready", "pass"],
    ["not_ready", "fail"],
    [null, "unknown"],
  ] as const)("state %s → %s", (state, status) => {
    const r = checkKdumpLoaded(readyUbuntu({ kdump: { state } }));
    expect(r.status, r.summary).toBe(status);
  });

  test("a failed load quotes the load error and tells Debian hosts to run kdump-config load", () => {
    const error = {
      source: "kdump_service_journal",
      text: "kexec_file_load failed: Operation not permitted",
    };
    const r = checkKdumpLoaded(readyUbuntu({ kdump: { state: "not_ready", loadErrors: [error] } }));
    expect(r.summary).toContain("kexec_file_load failed: Operation not permitted");
    expect(r.evidence).toContainEqual(error);
    expect(r.remediation?.[0]).toMatch(/kdump-config load/);
  });

  test("EL hosts are told to restart kdumpctl", () => {
    const r = checkKdumpLoaded(readyRhel({ kdump: { state: "not_ready" } }));
    expect(r.remediation?.[0]).toMatch(/kdumpctl restart/);
  });

  test("trap 14: fadump mode says ready to fadump", () => {
    expect(checkKdumpLoaded(readyUbuntu({ kdump: { mode: "fadump" } })).summary).toBe(
      "Capture kernel loaded (ready to fadump)",
    );
  });
});
