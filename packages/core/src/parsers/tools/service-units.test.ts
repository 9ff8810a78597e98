import { describe, expect, test } from "vitest";
import { kdumpUnitOf, kdumpUnitOfIdent } from "./service-units.ts";

describe("which kdump unit a log line is about", () => {
  test.each([
    ["Starting Kernel crash dump capture service...", "kdump-tools"],
    ["Failed to start Crash recovery kernel arming.", "kdump"],
    ["Finished Load kdump kernel and initrd.", "kdump"],
    ["kdump-tools.service: Main process exited, code=exited, status=1/FAILURE", "kdump-tools"],
    ["Started Session 1 of user root.", null],
  ])("systemd's %j → %s", (message, unit) => {
    expect(kdumpUnitOf(message)).toBe(unit);
  });

  test.each([
    ["kdumpctl", "kdump"],
    ["kdump", "kdump"],
    ["load.sh", "kdump"],
    ["kdumptool", "kdump"],
    ["mkfadumprd", "kdump"],
    ["kdump.service", "kdump"],
    ["kdump-tools", "kdump-tools"],
    ["kdump-config", "kdump-tools"],
    ["kdump_mem_estimator", "kdump-tools"],
    ["kexec", null],
    ["dracut", null],
    [null, null],
  ])("a line logged by %s comes from the %s unit", (ident, unit) => {
    expect(kdumpUnitOfIdent(ident)).toBe(unit);
  });
});
