/**
 * The service that arms capture, from whichever of its four sources a host has: systemctl status,
 * the unit journal, the system log, /var/log/kdump.log.
 */
import { describe, expect, test } from "vitest";
import requiredKeyLog from "../../fixtures/kdump-log/constructed-required-key.txt?raw";
import journalNoCrashkernel from "../../fixtures/other/kdump-tools-service-no-crashkernel-ubuntu.txt?raw";
import multiBoot from "../../fixtures/service-journal/constructed-multi-boot-journal.txt?raw";
import avcMemfd from "../../fixtures/service-journal/fcos-selinux-avc-memfd.txt?raw";
import avcInitramfs from "../../fixtures/service-journal/fedora-selinux-avc-initramfs.txt?raw";
import slesLoad from "../../fixtures/service-journal/sles15-load-sh-memory-not-reserved.txt?raw";
import zhActive from "../../fixtures/service-status/el7-zh-locale-active.txt?raw";
import requiredKeyStatus from "../../fixtures/service-status/el8-required-key-failed.txt?raw";
import hardened from "../../fixtures/service-status/el9-hardened-eperm-failed.txt?raw";
import currentFailed from "../../fixtures/system-log/constructed-messages-current-boot-failed.txt?raw";
import twoBoots from "../../fixtures/system-log/openeuler-messages-two-boots.txt?raw";
import type { Snapshot, SourceId } from "../sources.ts";
import { buildService } from "./build-service.ts";
import { createSourceContext } from "./source-context.ts";

function service(sources: Partial<Record<SourceId, string>>) {
  const out: Snapshot["sources"] = {};
  for (const [id, text] of Object.entries(sources)) out[id as SourceId] = { ok: true, text: text as string };
  return buildService(createSourceContext({ sources: out, collectedAt: "2024-09-04T12:00:00Z" }));
}

describe("buildService", () => {
  test.each([
    ["kdumpctl[pid] (Fedora)", avcInitramfs, "kdump"],
    ["kdump.service[pid] (Fedora CoreOS 39)", avcMemfd, "kdump"],
    ["load.sh[pid] (SLES 15)", slesLoad, "kdump"],
  ])("without systemd's own lines, the programs that logged name the unit: %s", (_name, journal, unit) => {
    const s = service({ kdump_service_journal: journal });
    expect(s.unit).toBe(unit);
    expect(s.started).toBeNull();
  });

  test("systemctl status `Active: failed` of kdump.service is a failed start in this boot, cause named", () => {
    const s = service({ kdump_service_status: hardened });
    expect(s).toMatchObject({
      read: true,
      unit: "kdump",
      unitState: "failed",
      enabledAtBoot: true,
      lastLoad: "failed",
    });
    expect(s.failure).toMatchObject({ kind: "not-permitted", thisBoot: true });
    expect(s.failure?.causeLine).toBe(
      "Mar 11 16:14:29 localhost.localdomain kdumpctl[2050]: kexec_file_load failed: Operation not permitted",
    );
    expect(s.failure?.evidence[0]).toEqual({
      source: "kdump_service_status",
      text: "     Active: failed (Result: exit-code) since Wed 2026-03-11 16:14:29 CET; 1s ago",
    });
  });

  test("a generic [FAILED] in the status is explained by the cause kdump.log names", () => {
    const s = service({ kdump_service_status: requiredKeyStatus, kdump_log: requiredKeyLog });
    expect(s.failure).toMatchObject({ kind: "signature", thisBoot: true });
    expect(s.failure?.causeLine).toBe("kexec_file_load failed: Required key not available");
    expect(s.failure?.evidence).toContainEqual({
      source: "kdump_log",
      text: "kexec_file_load failed: Required key not available",
    });
  });

  test("`Active: active (exited)` of kdump.service is a load, in any locale", () => {
    const s = service({ kdump_service_status: zhActive });
    expect(s).toMatchObject({ unitState: "active", lastLoad: "loaded", started: true, failure: null });
  });

  test("kdump-tools' unit says active after a failed load: the journal decides (trap 11)", () => {
    const status = [
      "● kdump-tools.service - Kernel crash dump capture service",
      "     Loaded: loaded (/lib/systemd/system/kdump-tools.service; enabled; vendor preset: enabled)",
      "     Active: active (exited) since Wed 2022-09-14 01:45:21 UTC; 2min ago",
    ].join("\n");
    const s = service({ kdump_service_status: status, kdump_service_journal: journalNoCrashkernel });
    expect(s).toMatchObject({ unit: "kdump-tools", unitState: "active", lastLoad: "failed", started: true });
    expect(s.failure).toMatchObject({ kind: "no-reservation", thisBoot: true });
  });

  test("the journal stands in for a missing systemctl status", () => {
    const s = service({ kdump_service_journal: multiBoot });
    expect(s).toMatchObject({ unitState: "active", lastLoad: "loaded", failure: null });
    expect(s.sources).toEqual(["kdump_service_journal"]);
  });

  test("the system log stands in too, judged from its last boot only", () => {
    expect(service({ system_log: currentFailed }).failure).toMatchObject({
      kind: "no-space",
      thisBoot: true,
    });
    const earlier = service({ system_log: twoBoots });
    expect(earlier).toMatchObject({ lastLoad: null, failure: null });
  });

  test("a failure in a log without boot markers is kept but not placed in this boot", () => {
    const text = [
      "May 26 02:06:53 localhost kdumpctl[1594]: Starting kdump: [FAILED]",
      "May 26 02:06:53 localhost systemd[1]: Failed to start Crash recovery kernel arming.",
    ].join("\n");
    const s = service({ system_log: text });
    expect(s.failure).toMatchObject({ thisBoot: false });
    expect(s.lastLoad, "not proven for this boot").toBeNull();
  });

  test("kdump.log alone: its last attempt is not placed in this boot without a dated boot marker", () => {
    const s = service({ kdump_log: requiredKeyLog });
    expect(s.failure).toMatchObject({ kind: "signature", thisBoot: false });
  });

  test("kdump.log dated after the system log's last boot marker is this boot's", () => {
    const syslog =
      "Apr 27 16:40:00 node-1 kernel: Linux version 4.18.0-147.5.1.es8_23.x86_64 (mockbuild@x) #1 SMP\n";
    const s = service({ system_log: syslog, kdump_log: requiredKeyLog });
    expect(s.failure).toMatchObject({ kind: "signature", thisBoot: true });
  });

  test("`Unit … could not be found` for the kdump units says the unit is not installed", () => {
    const s = service({ kdump_service_status: "Unit kdump.service could not be found.\n" });
    expect(s.unitState).toBe("not-found");
  });

  test("a masked or disabled unit is not enabled at boot", () => {
    const masked =
      "○ kdump.service\n     Loaded: masked (Reason: Unit kdump.service is masked.)\n     Active: inactive (dead)\n";
    expect(service({ kdump_service_status: masked }).enabledAtBoot).toBe(false);
  });
});
