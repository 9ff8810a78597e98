/**
 * Whole snapshots, assembled from fixtures (packages/core/fixtures; judge-specific ones in
 * fixtures/judge, see its SOURCES.md), through buildFacts, every rule and the verdict.
 * One-value /sys and /proc files are given inline.
 */
import { describe, expect, test } from "vitest";
import cmdlineRhel7Auto from "../fixtures/cmdline/rhel7-crashkernel-auto.txt?raw";
import dmesgFadump from "../fixtures/dmesg/constructed-ppc64-fadump.txt?raw";
import dmesgCentosAuto from "../fixtures/dmesg/x86-centos8-auto-160M.txt?raw";
import nonrootIomem from "../fixtures/iomem/constructed-nonroot-zeroed.txt?raw";
import cmdlinePpcFadump from "../fixtures/judge/cmdline-ppc64le-fadump.txt?raw";
import cmdline2204 from "../fixtures/judge/cmdline-ubuntu-2204-512M-192M.txt?raw";
import cmdline2204None from "../fixtures/judge/cmdline-ubuntu-2204-no-crashkernel.txt?raw";
import cmdline2404Custom from "../fixtures/judge/cmdline-ubuntu-2404-custom-320M.txt?raw";
import df50g from "../fixtures/judge/df-var-crash-50g-free.txt?raw";
import df120g from "../fixtures/judge/df-var-crash-120g-free.txt?raw";
import dmesg2204None from "../fixtures/judge/dmesg-ubuntu-2204-no-crashkernel.txt?raw";
import dmesg2204 from "../fixtures/judge/dmesg-ubuntu-2204-reserving-192M.txt?raw";
import dmesgSecureBoot from "../fixtures/judge/dmesg-ubuntu-2404-secureboot-lockdown.txt?raw";
import dmesg2604Invalid from "../fixtures/judge/dmesg-ubuntu-2604-1g-invalid-size.txt?raw";
import listingEmpty from "../fixtures/judge/dump-listing-agent-empty.txt?raw";
import grubD2204 from "../fixtures/judge/etc-default-grub-d-ubuntu-2204.txt?raw";
import grubUbuntu from "../fixtures/judge/etc-default-grub-ubuntu.txt?raw";
import journalLoadDisabled from "../fixtures/judge/journal-kdump-tools-kexec-load-disabled.txt?raw";
import journalLoaded from "../fixtures/judge/journal-kdump-tools-loaded-ubuntu-2204.txt?raw";
import journalSecureBoot from "../fixtures/judge/journal-kdump-tools-secureboot-fail.txt?raw";
import showNonroot from "../fixtures/judge/kdump-config-show-ubuntu-2204-nonroot.txt?raw";
import showStale from "../fixtures/judge/kdump-config-show-ubuntu-2204-not-ready-stale-kexec-cmd.txt?raw";
import showCustom from "../fixtures/judge/kdump-config-show-ubuntu-2404-custom-not-ready.txt?raw";
import meminfo1g from "../fixtures/judge/meminfo-1g-vm.txt?raw";
import meminfo16g from "../fixtures/judge/meminfo-ubuntu-2404-16g.txt?raw";
import osRhel7 from "../fixtures/judge/os-release-rhel-7.txt?raw";
import os2204 from "../fixtures/judge/os-release-ubuntu-2204.txt?raw";
import os2404 from "../fixtures/judge/os-release-ubuntu-2404.txt?raw";
import os2604 from "../fixtures/judge/os-release-ubuntu-2604.txt?raw";
import unameRhel7 from "../fixtures/judge/uname-rhel-7.txt?raw";
import uname2204 from "../fixtures/judge/uname-ubuntu-2204.txt?raw";
import uname2404Custom from "../fixtures/judge/uname-ubuntu-2404-custom.txt?raw";
import uname2404Ppc from "../fixtures/judge/uname-ubuntu-2404-ppc64le.txt?raw";
import uname2604 from "../fixtures/judge/uname-ubuntu-2604.txt?raw";
import showFadump from "../fixtures/kdump-config-show/constructed-fadump-ready.txt?raw";
import show2204 from "../fixtures/kdump-config-show/ubuntu-2204-ready.txt?raw";
import show2604NotReady from "../fixtures/kdump-config-show/ubuntu-2604-not-ready-1g-doc.txt?raw";
import statusRhel7 from "../fixtures/kdumpctl/constructed-status-rhel7-legacy.txt?raw";
import defaultKdumpTools from "../fixtures/other/etc-default-kdump-tools-active-lines-debian-1.10.txt?raw";
import kdumpConfRhel from "../fixtures/other/etc-kdump-conf-rhel-default-active.txt?raw";
import journalMemoryNotReserved from "../fixtures/other/kdump-tools-load-memory-not-reserved-ubuntu.txt?raw";
import journalNoCrashkernel from "../fixtures/other/kdump-tools-service-no-crashkernel-ubuntu.txt?raw";
import mokEnabled from "../fixtures/other/mokutil-sb-state-enabled.txt?raw";
import listingApport from "../fixtures/other/var-crash-listing-no-dump-only-apport.txt?raw";
import lockdownIntegrity from "../fixtures/sysfs/sys-kernel-security-lockdown-integrity.txt?raw";
import lockdownNone from "../fixtures/sysfs/sys-kernel-security-lockdown-none.txt?raw";
import sysrq16 from "../fixtures/sysrq/rhel-systemd-default-16.txt?raw";
import sysrq176 from "../fixtures/sysrq/ubuntu-default-176.txt?raw";
import type { CheckId, CheckResult, CheckStatus } from "./checks/check.ts";
import { CHECK_IDS } from "./checks/check.ts";
import { buildFacts } from "./facts/build-facts.ts";
import { type Judgement, judgeSnapshot } from "./judge.ts";
import type { Snapshot, SourceId, SourceResult } from "./sources.ts";

const NOW = new Date("2024-09-04T12:00:00Z");
const MiB = 1024 * 1024;

function snapshot(sources: Partial<Record<SourceId, string | SourceResult>>): Snapshot {
  const out: Snapshot["sources"] = {};
  for (const [id, v] of Object.entries(sources) as [SourceId, string | SourceResult][]) {
    out[id] = typeof v === "string" ? { ok: true, text: v } : v;
  }
  return { sources: out, collectedAt: "2024-09-04T12:00:00Z" };
}

const notFound = (detail: string): SourceResult => ({ ok: false, error: "not-found", detail });
const permission: SourceResult = { ok: false, error: "permission", detail: "EACCES" };

/** Ubuntu 22.04, 8 GiB, kdump-tools loaded, read as root. */
const ubuntu2204Ready: Partial<Record<SourceId, string | SourceResult>> = {
  os_release: os2204,
  uname: uname2204,
  hostname: "web01\n",
  machine_id: "3f6c1a0e9b2d4c8e8f1a2b3c4d5e6f70\n",
  cmdline: cmdline2204,
  dmesg: dmesg2204,
  kexec_crash_size: "201326592\n",
  kexec_crash_loaded: "1\n",
  lockdown: lockdownNone,
  "sysctl.kernel.sysrq": sysrq176,
  "sysctl.kernel.panic_on_oops": "1\n",
  "sysctl.kernel.panic": "0\n",
  "sysctl.kernel.kexec_load_disabled": "0\n",
  "sysctl.kernel.kexec_load_limit_panic": "-1\n",
  etc_default_kdump_tools: defaultKdumpTools,
  etc_default_grub: grubUbuntu,
  etc_default_grub_d: grubD2204,
  kdump_config_show: show2204,
  kdumpctl_status: notFound("kdumpctl: command not found"),
  kdump_service_journal: journalLoaded,
  df_dump_dir: df50g,
  dump_dir_listing: listingApport,
};

function byId(j: Judgement): Record<CheckId, CheckResult> {
  return Object.fromEntries(j.checks.map((c) => [c.id, c])) as Record<CheckId, CheckResult>;
}

/** Status per check, for assertion messages that show the whole picture. */
function statuses(j: Judgement): Record<string, CheckStatus> {
  return Object.fromEntries(j.checks.map((c) => [c.id, c.status]));
}

describe("judgeSnapshot over whole snapshots", () => {
  test("a healthy Ubuntu 22.04 host is ready, with checks in catalogue order", () => {
    const j = judgeSnapshot(snapshot(ubuntu2204Ready), NOW);
    expect(j.verdict, JSON.stringify(statuses(j))).toBe("ready");
    expect(j.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    const c = byId(j);
    expect(c["crashkernel.reserved"].summary).toMatch(/^192 MiB reserved/);
    expect(c["crashkernel.reserved"].evidence).toContainEqual({
      source: "kexec_crash_size",
      text: "201326592",
    });
    expect(c["kdump.loaded"].evidence).toContainEqual({ source: "kexec_crash_loaded", text: "1" });
    expect(c["crashkernel.param"].summary).toBe("Effective crashkernel=512M-:192M → 192 MiB");
    expect(c["crashkernel.pending-reboot"].status).toBe("pass");
    expect(c["kdump.kernel-links"].status).toBe("pass");
    expect(c["crash.dumps"].summary).toContain("linux-image-5.15.0-46-generic-202209011511.crash");
    for (const check of j.checks) {
      if (check.status === "pass" || check.status === "info")
        expect(check.remediation, check.id).toBeUndefined();
    }
  });

  test("trap 16: a loaded reboot-kexec image (/sys/kernel/kexec_loaded) is not a loaded capture kernel", () => {
    const s = snapshot({ ...ubuntu2204Ready, kexec_crash_loaded: "0\n" });
    // a newer agent may send sources core does not know; kexec_loaded must never stand in for kdump
    (s.sources as Record<string, SourceResult>).kexec_loaded = { ok: true, text: "1\n" };
    const j = judgeSnapshot(s, NOW);
    expect(byId(j)["kdump.loaded"].status, byId(j)["kdump.loaded"].summary).toBe("fail");
    expect(j.verdict).toBe("not_ready");
  });

  test("the facts carry product.md §4's contract fields", () => {
    const f = buildFacts(snapshot(ubuntu2204Ready));
    expect(f.crashkernel).toMatchObject({
      effective: "512M-:192M",
      expectedBytes: 192 * MiB,
      uncertain: false,
    });
    expect(f.reservation.bytes).toBe(192 * MiB);
    expect(f.reservation.regions).toEqual([
      { kind: "main", start: 3056 * MiB, end: 3248 * MiB, bytes: 192 * MiB, source: "dmesg" },
    ]);
    expect(f.kdump).toMatchObject({
      mode: "kdump",
      state: "ready",
      suggestedBytes: null,
      tool: "kdump-tools",
    });
    expect(f.sysrq).toMatchObject({ value: 176, keyboardCrash: false });
    expect(f.memory).toMatchObject({ systemRamBytes: 8191 * MiB, systemRamSource: "dmesg" });
    expect(f.identity).toMatchObject({
      hostname: "web01",
      kernelRelease: "5.15.0-46-generic",
      arch: "x86_64",
      os: { id: "ubuntu", versionId: "22.04", family: "debian" },
    });
    expect(f.dumpTarget).toMatchObject({
      coredir: "/var/crash",
      remote: null,
      freeBytes: 50003336 * 1024,
      mount: "/",
    });
    expect(JSON.parse(JSON.stringify(f)), "facts must survive JSON").toEqual(f);
  });

  test("trap 15: Ubuntu's sysrq=176 leaves a ready host ready (information only)", () => {
    const j = judgeSnapshot(snapshot(ubuntu2204Ready), NOW);
    const sysrq = byId(j)["sysrq.keyboard-crash"];
    expect(sysrq.status).toBe("info");
    expect(sysrq.summary).toMatch(/unavailable/);
    expect(j.verdict).toBe("ready");
  });

  test("trap 11 and 12: no reservation, a service that 'finished' and a stale kexec command are not_ready", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        cmdline: cmdline2204None,
        dmesg: dmesg2204None,
        kexec_crash_size: "0\n",
        kexec_crash_loaded: "0\n",
        kdump_config_show: showStale,
        kdump_service_journal: journalNoCrashkernel,
      }),
      NOW,
    );
    const c = byId(j);
    expect(j.verdict).toBe("not_ready");
    expect(c["crashkernel.param"].status).toBe("fail");
    expect(c["crashkernel.param"].summary).toMatch(/no crashkernel= on the kernel command line/);
    expect(c["crashkernel.reserved"].status).toBe("fail");
    expect(c["kdump.loaded"].status, "a recorded kexec command is history, not a load").toBe("fail");
    expect(c["kdump.service-state"].status).toBe("warn");
    expect(c["kdump.service-state"].evidence).toContainEqual({
      source: "kdump_service_journal",
      text: "Sep 14 01:45:21 test systemd[1]: Finished Kernel crash dump capture service.",
    });
    expect(c["crashkernel.pending-reboot"].status, "GRUB already has crashkernel=").toBe("warn");
    expect(c["crashkernel.param"].remediation?.join("\n")).toMatch(/update-grub/);
  });

  test("trap 1: a 1 GiB VM with Ubuntu 26.04's default range reserves nothing (crashkernel: invalid size)", () => {
    const j = judgeSnapshot(
      snapshot({
        os_release: os2604,
        uname: uname2604,
        cmdline: `${"BOOT_IMAGE=/vmlinuz-6.18.0-8-generic root=UUID=0a86b691-f733-4cb0-9c5c-b88e0ef9e212 ro console=tty1 console=ttyS0 crashkernel=2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M"}\n`,
        dmesg: dmesg2604Invalid,
        meminfo: meminfo1g,
        kexec_crash_size: "0\n",
        kexec_crash_loaded: "0\n",
        kdump_config_show: show2604NotReady,
        kdump_service_journal: journalMemoryNotReserved,
        etc_default_kdump_tools: defaultKdumpTools,
        "sysctl.kernel.kexec_load_disabled": "0\n",
        lockdown: lockdownNone,
      }),
      NOW,
    );
    const c = byId(j);
    expect(j.verdict).toBe("not_ready");
    expect(c["crashkernel.param"].status).toBe("fail");
    expect(c["crashkernel.param"].summary).toMatch(/invalid size/);
    expect(c["crashkernel.param"].evidence).toContainEqual({
      source: "dmesg",
      text: "[    0.004601] crashkernel: invalid size",
    });
    expect(c["crashkernel.reserved"].status).toBe("fail");
    expect(c["crashkernel.reserved"].evidence.map((e) => e.text)).toContain(
      "Jan 21 06:59:11 r-vm kdump-tools[5348]: Memory for crashkernel is not reserved",
    );
    expect(c["kdump.loaded"].status).toBe("fail");
    expect(c["crashkernel.size"].status, "nothing reserved: size is not applicable").toBe("info");
  });

  test("trap 17: Secure Boot + lockdown rejecting an unsigned kernel fails kexec.lockdown", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        os_release: os2404,
        uname: uname2404Custom,
        cmdline: cmdline2404Custom,
        dmesg: dmesgSecureBoot,
        meminfo: meminfo16g,
        kexec_crash_size: "536870912\n",
        kexec_crash_loaded: "0\n",
        lockdown: lockdownIntegrity,
        mokutil_sb_state: mokEnabled,
        kdump_config_show: showCustom,
        kdump_service_journal: journalSecureBoot,
        etc_default_grub_d: { ok: false, error: "missing" },
      }),
      NOW,
    );
    const c = byId(j);
    expect(j.verdict).toBe("not_ready");
    expect(c["crashkernel.reserved"].status).toBe("pass");
    expect(c["kexec.lockdown"].status, c["kexec.lockdown"].summary).toBe("fail");
    expect(c["kexec.lockdown"].evidence).toContainEqual({
      source: "dmesg",
      text: "[   31.512207] Lockdown: kexec: kexec of unsigned images is restricted; see man kernel_lockdown.7",
    });
    expect(c["kexec.lockdown"].evidence).toContainEqual({
      source: "kdump_service_journal",
      text: "Sep  3 09:12:41 lab01 kdump-tools[931]: kexec_file_load failed: Operation not permitted",
    });
    expect(c["kexec.lockdown"].remediation?.join("\n")).toMatch(/mokutil --import/);
    expect(c["kdump.loaded"].status).toBe("fail");
    expect(c["kexec.load-disabled"].status).toBe("pass");
    expect(c["crashkernel.size"].summary).toBe("512 MiB reserved ≥ suggested 371 MiB");
    expect(c["kdump.tools-installed"].status).toBe("pass");
    expect(c["kdump.service-state"].status, "trap 11: the unit 'Finished' after the failed load").toBe(
      "warn",
    );
  });

  test("trap 17: the same EPERM with kexec_load_disabled=1 and lockdown off is blamed on the sysctl", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        kexec_crash_loaded: "0\n",
        "sysctl.kernel.kexec_load_disabled": "1\n",
        kdump_service_journal: journalLoadDisabled,
      }),
      NOW,
    );
    const c = byId(j);
    expect(j.verdict).toBe("not_ready");
    expect(c["kexec.lockdown"].status, c["kexec.lockdown"].summary).toBe("pass");
    expect(c["kexec.load-disabled"].status).toBe("fail");
    expect(c["kdump.loaded"].summary).toContain("kexec_file_load failed: Operation not permitted");
  });

  test("trap 14: a fadump host is ready although kexec_crash_loaded is 0", () => {
    const j = judgeSnapshot(
      snapshot({
        os_release: os2404,
        uname: uname2404Ppc,
        cmdline: cmdlinePpcFadump,
        dmesg: dmesgFadump,
        kexec_crash_size: "0\n",
        kexec_crash_loaded: "0\n",
        fadump_enabled: "1\n",
        fadump_registered: "1\n",
        fadump_mem_reserved: "4294967296\n",
        lockdown: lockdownNone,
        "sysctl.kernel.sysrq": sysrq176,
        "sysctl.kernel.panic_on_oops": "1\n",
        "sysctl.kernel.kexec_load_disabled": "0\n",
        etc_default_kdump_tools: defaultKdumpTools,
        etc_default_grub: `GRUB_CMDLINE_LINUX_DEFAULT="fadump=on crashkernel=4G"\n`,
        kdump_config_show: showFadump,
        df_dump_dir: df120g,
        dump_dir_listing: listingEmpty,
      }),
      NOW,
    );
    const c = byId(j);
    expect(j.verdict, JSON.stringify(statuses(j))).toBe("ready");
    expect(j.facts.kdump).toMatchObject({ mode: "fadump", state: "ready" });
    expect(j.facts.reservation.bytes).toBe(4096 * MiB);
    expect(c["kdump.loaded"].summary).toBe("Capture kernel loaded (ready to fadump)");
    expect(c["kdump.loaded"].evidence).toContainEqual({ source: "fadump_registered", text: "1" });
    expect(c["crashkernel.reserved"].summary).toMatch(/^4 GiB reserved .*fadump/);
    expect(c["dump-target.capacity"].summary, "df picks the /var/crash mount, not /").toMatch(
      /^119\.9 GiB free in \/var\/crash ≥ RAM 64 GiB/,
    );
  });

  test("kdump tools not installed: not_ready, with the install command", () => {
    const j = judgeSnapshot(
      snapshot({
        os_release: os2204,
        uname: uname2204,
        cmdline: cmdline2204None,
        dmesg: dmesg2204None,
        kexec_crash_size: "0\n",
        kexec_crash_loaded: "0\n",
        lockdown: lockdownNone,
        "sysctl.kernel.kexec_load_disabled": "0\n",
        etc_default_kdump_tools: { ok: false, error: "missing" },
        kdump_config_show: notFound("kdump-config: command not found"),
        kdumpctl_status: notFound("kdumpctl: command not found"),
      }),
      NOW,
    );
    const c = byId(j);
    expect(j.verdict).toBe("not_ready");
    expect(c["kdump.tools-installed"].status).toBe("fail");
    expect(c["kdump.tools-installed"].remediation?.[0]).toBe("sudo apt install kdump-tools");
    // the agent found no such command: there is no host text to cite, the summary says it
    expect(c["kdump.tools-installed"].evidence).toEqual([]);
    expect(c["kdump.tools-installed"].summary).toMatch(/kdump-config \(kdump-tools\) could not be run/);
    expect(c["kdump.enabled"].status).toBe("fail");
    expect(c["collection.complete"].status, "absent tools are not a collection problem").toBe("pass");
  });

  test("non-root reads: collection.complete warns and the host is not falsely ready", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        iomem: nonrootIomem,
        dmesg: permission,
        lockdown: permission,
        kdump_config_show: showNonroot,
        kdump_service_journal: permission,
      }),
      NOW,
    );
    const c = byId(j);
    expect(j.verdict, JSON.stringify(statuses(j))).toBe("at_risk");
    expect(c["collection.complete"].status).toBe("warn");
    expect(c["collection.complete"].summary).toMatch(/permission\): lockdown, dmesg, kdump_service_journal/);
    expect(c["collection.complete"].summary).toMatch(/zeros/);
    expect(j.facts.collection.iomemZeroed).toBe(true);
    expect(c["crashkernel.reserved"].status, "kexec_crash_size is world-readable and exact").toBe("pass");
    expect(c["kexec.lockdown"].status, "loaded, so nothing rejected it").toBe("pass");
  });

  test("non-root without kexec_crash_size and nothing loaded: only indirect evidence of a reservation warns", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        iomem: nonrootIomem,
        dmesg: permission,
        kexec_crash_size: permission,
        kexec_crash_loaded: "0\n",
        kdump_config_show: showNonroot,
      }),
      NOW,
    );
    const c = byId(j);
    expect(c["crashkernel.reserved"].status, c["crashkernel.reserved"].summary).toBe("warn");
  });

  test("facts imply facts: a loaded capture kernel proves the reservation a zeroed non-root read hides", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        iomem: nonrootIomem,
        dmesg: permission,
        kexec_crash_size: permission,
        kdump_config_show: showNonroot,
      }),
      NOW,
    );
    const c = byId(j);
    expect(c["crashkernel.reserved"].status, c["crashkernel.reserved"].summary).toBe("pass");
    expect(c["crashkernel.reserved"].evidence).toContainEqual({ source: "kexec_crash_loaded", text: "1" });
    expect(j.facts.implications.map((i) => i.id)).toContain("loaded-implies-reserved");
    expect(j.verdict, "the unreadable sources still make the collection incomplete").toBe("at_risk");
  });

  test("trap 9: a kernel log without boot lines and no /sys or iomem is unknown, never ready", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        dmesg: "[812345.000001] sysrq: Show Memory\n",
        kexec_crash_size: { ok: false, error: "missing" },
        kexec_crash_loaded: { ok: false, error: "missing" },
        kdump_service_journal: { ok: false, error: "missing" },
        kdump_config_show: { ok: false, error: "timeout" },
        kdumpctl_status: { ok: false, error: "missing" },
      }),
      NOW,
    );
    const c = byId(j);
    expect(c["crashkernel.reserved"].status).toBe("unknown");
    expect(j.verdict).toBe("unknown");
    expect(c["collection.complete"].summary).toMatch(/timed out: kdump_config_show/);
  });

  test("trap 9 with a loaded capture kernel: the missing boot lines no longer leave the reservation unknown", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        dmesg: "[812345.000001] sysrq: Show Memory\n",
        kexec_crash_size: { ok: false, error: "missing" },
        kdump_config_show: { ok: false, error: "timeout" },
        kdumpctl_status: { ok: false, error: "missing" },
      }),
      NOW,
    );
    const c = byId(j);
    expect(c["crashkernel.reserved"].status).toBe("pass");
    expect(c["crashkernel.reserved"].summary).toMatch(/^Memory is reserved: a capture kernel is loaded/);
    expect(j.verdict, "kdump-config timed out: collection incomplete").toBe("at_risk");
  });

  test("trap 18: crashkernel=auto on a RHEL 7 kernel is accepted; 160 MiB is below the baseline", () => {
    const j = judgeSnapshot(
      snapshot({
        os_release: osRhel7,
        uname: unameRhel7,
        cmdline: cmdlineRhel7Auto,
        dmesg: dmesgCentosAuto,
        kexec_crash_size: "167772160\n",
        kexec_crash_loaded: "1\n",
        "sysctl.kernel.sysrq": sysrq16,
        "sysctl.kernel.panic_on_oops": "1\n",
        "sysctl.kernel.kexec_load_disabled": "0\n",
        kdumpctl_status: statusRhel7,
        kdump_config_show: notFound("kdump-config: command not found"),
        kdump_conf: kdumpConfRhel,
        df_dump_dir: df50g,
        dump_dir_listing: "",
      }),
      NOW,
    );
    const c = byId(j);
    expect(c["crashkernel.param"].status, c["crashkernel.param"].summary).toBe("pass");
    expect(c["kdump.tools-installed"].summary).toMatch(/kdumpctl/);
    expect(c["kdump.enabled"].status).toBe("pass");
    expect(c["kexec.lockdown"].status).toBe("pass");
    expect(c["crashkernel.size"].status).toBe("warn");
    expect(c["crashkernel.size"].remediation?.[0]).toMatch(/grubby/);
    expect(c["kdump.kernel-links"].status).toBe("info");
    expect(j.verdict, JSON.stringify(statuses(j))).toBe("at_risk");
  });

  test("trap 18: crashkernel=auto on an Ubuntu kernel is a parse error: not_ready", () => {
    const j = judgeSnapshot(
      snapshot({
        ...ubuntu2204Ready,
        cmdline: "BOOT_IMAGE=/boot/vmlinuz-5.15.0-46-generic ro crashkernel=auto\n",
        dmesg: dmesg2204None,
        kexec_crash_size: "0\n",
        kexec_crash_loaded: "0\n",
      }),
      NOW,
    );
    expect(byId(j)["crashkernel.param"].status).toBe("fail");
    expect(j.verdict).toBe("not_ready");
  });

  test("garbage in every source never throws and is never ready", () => {
    const junk = "\u0000\u00ff<html>\r\n0x0x0x --- : : crashkernel=\r\n".repeat(20);
    const all = Object.fromEntries(
      [
        "cmdline",
        "meminfo",
        "iomem",
        "dmesg",
        "kdump_config_show",
        "kdumpctl_status",
        "etc_default_grub",
        "os_release",
        "uname",
        "df_dump_dir",
        "dump_dir_listing",
        "kexec_crash_size",
        "kexec_crash_loaded",
        "lockdown",
        "sysctl.kernel.sysrq",
      ].map((id) => [id, junk]),
    ) as Partial<Record<SourceId, string>>;
    const j = judgeSnapshot(snapshot(all), NOW);
    expect(j.verdict).not.toBe("ready");
    expect(j.checks).toHaveLength(CHECK_IDS.length);
    expect(j.facts.collection.parseIssues.length, "parse issues are capped").toBeLessThanOrEqual(101);
    for (const c of j.checks) expect(c.evidence.length, c.id).toBeLessThanOrEqual(50);
  });

  test("an empty snapshot is unknown", () => {
    const j = judgeSnapshot({ sources: {}, collectedAt: "" }, NOW);
    expect(j.verdict).toBe("unknown");
    expect(j.checks.filter((c) => c.status === "pass").map((c) => c.id)).toEqual([]);
  });
});
