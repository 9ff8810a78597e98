import { describe, expect, test } from "vitest";
import unitNotFound from "../../../fixtures/other/constructed-unit-not-found.txt?raw";
import ellipsisOld from "../../../fixtures/service-status/arm-nethserver-failed-old-ellipsis.txt?raw";
import noMemory from "../../../fixtures/service-status/el7-centos-no-memory-failed.txt?raw";
import zhActive from "../../../fixtures/service-status/el7-zh-locale-active.txt?raw";
import streamActive from "../../../fixtures/service-status/el8-centos-stream-active.txt?raw";
import edge from "../../../fixtures/service-status/el8-edge-no-initrd-write-permission.txt?raw";
import requiredKey from "../../../fixtures/service-status/el8-required-key-failed.txt?raw";
import hardened from "../../../fixtures/service-status/el9-hardened-eperm-failed.txt?raw";
import p11 from "../../../fixtures/service-status/ppc64le-p11-ellipsized-active.txt?raw";
import { parseSystemctlStatus } from "./systemctl-status.ts";

describe("parseSystemctlStatus over published outputs", () => {
  test.each([
    // [fixture, name, active, result, enablement, log lines, ellipsized]
    ["el7-centos-no-memory-failed", noMemory, "failed", "exit-code", "enabled", 5, false],
    ["el8-edge-no-initrd-write-permission", edge, "failed", "exit-code", "enabled", 5, false],
    ["el9-hardened-eperm-failed", hardened, "failed", "exit-code", "enabled", 4, false],
    ["el8-required-key-failed", requiredKey, "failed", "exit-code", "enabled", 6, false],
    ["el7-zh-locale-active", zhActive, "active", null, "enabled", 4, false],
    ["el8-centos-stream-active", streamActive, "active", null, "enabled", 10, false],
    ["ppc64le-p11-ellipsized-active", p11, "active", null, "enabled", 10, true],
    ["arm-nethserver-failed-old-ellipsis", ellipsisOld, "failed", "exit-code", "enabled", 7, true],
  ] as const)("%s", (_name, text, active, result, enablement, logLines, ellipsized) => {
    const { value, issues } = parseSystemctlStatus(text);
    expect(issues).toEqual([]);
    expect(value.units).toHaveLength(1);
    const unit = value.units[0]!;
    expect(unit.unit).toBe("kdump.service");
    expect(unit.description).toBe("Crash recovery kernel arming");
    expect(unit.kdumpUnit).toBe("kdump");
    expect(unit.active?.value).toMatchObject({ state: active, result });
    expect(unit.loaded?.value).toMatchObject({
      state: "loaded",
      path: "/usr/lib/systemd/system/kdump.service",
      enablement,
    });
    expect(unit.log).toHaveLength(logLines);
    expect(value.ellipsized).toBe(ellipsized);
  });

  test("the unit's own journal lines are kept exactly as written", () => {
    const unit = parseSystemctlStatus(noMemory).value.units[0]!;
    expect(unit.log[1]?.text).toBe(
      "Oct 24 18:58:21 ip-172-31-18-67.us-west-2.compute.internal kdumpctl[812]: No memory reserved for crash kernel.",
    );
    expect(unit.processes.map((p) => p.text.trim())).toEqual([
      "Process: 812 ExecStart=/usr/bin/kdumpctl start (code=exited, status=1/FAILURE)",
      "Main PID: 812 (code=exited, status=1/FAILURE)",
    ]);
  });

  test("a sos `systemctl status --all` dump yields every unit, the kdump ones recognised", () => {
    const dump = [
      "● sshd.service - OpenSSH server daemon",
      "   Loaded: loaded (/usr/lib/systemd/system/sshd.service; enabled; vendor preset: enabled)",
      "   Active: active (running) since Mon 2024-06-10 06:02:30 UTC; 3 days ago",
      "",
      "Jun 10 06:02:30 db02 sshd[1200]: Server listening on 0.0.0.0 port 22.",
      "",
      noMemory.trimEnd(),
      "",
      "○ kdump-tools.service",
      "   Loaded: not-found (Reason: Unit kdump-tools.service not found.)",
      "   Active: inactive (dead)",
    ].join("\n");
    const units = parseSystemctlStatus(dump).value.units;
    expect(units.map((u) => [u.unit, u.kdumpUnit, u.active?.value.state])).toEqual([
      ["sshd.service", null, "active"],
      ["kdump.service", "kdump", "failed"],
      ["kdump-tools.service", "kdump-tools", "inactive"],
    ]);
    expect(units[2]?.loaded?.value).toMatchObject({ state: "not-found", path: null, enablement: null });
  });

  test("systemctl's 'could not be found' for absent units is reported", () => {
    expect(parseSystemctlStatus(unitNotFound).value.notFound.map((n) => n.value)).toEqual([
      "kdump.service",
      "kdump-tools.service",
    ]);
  });

  test.each([
    ["masked", "   Loaded: masked (Reason: Unit kdump.service is masked.)", "masked", null],
    [
      "disabled",
      "   Loaded: loaded (/usr/lib/systemd/system/kdump.service; disabled; preset: enabled)",
      "loaded",
      "disabled",
    ],
  ])("Loaded: %s", (_n, line, state, enablement) => {
    const text = `○ kdump.service - Crash recovery kernel arming\n${line}\n   Active: inactive (dead)\n`;
    expect(parseSystemctlStatus(text).value.units[0]?.loaded?.value).toMatchObject({ state, enablement });
  });

  test("a start skipped by its condition keeps the Condition line", () => {
    const text = [
      "○ kdump.service - Crash recovery kernel arming",
      "     Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; preset: enabled)",
      "     Active: inactive (dead)",
      "  Condition: start condition failed at Mon 2024-06-10 06:02:23 UTC; 3min ago",
    ].join("\n");
    expect(parseSystemctlStatus(text).value.units[0]?.condition?.text).toContain("start condition failed");
  });
});
