/**
 * The kdump service's story read from published logs: the last attempt of the last boot, its most
 * specific cause and the named root cause, in every log format people paste.
 */
import { describe, expect, test } from "vitest";
import notFound from "../../../fixtures/other/constructed-kdump-config-not-found.txt?raw";
import fadumpInitrd from "../../../fixtures/service-journal/constructed-fadump-mkfadumprd-failed.txt?raw";
import multiBoot from "../../../fixtures/service-journal/constructed-multi-boot-journal.txt?raw";
import cannotOpen from "../../../fixtures/service-journal/el7-atomic-selinux-cannot-open.txt?raw";
import arm64 from "../../../fixtures/service-journal/fcos-arm64-kexec-failed.txt?raw";
import fcosNoMemory from "../../../fixtures/service-journal/fcos-no-memory-reserved.txt?raw";
import kernelLocation from "../../../fixtures/service-journal/fcos-s390x-kernel-location.txt?raw";
import avcMemfd from "../../../fixtures/service-journal/fcos-selinux-avc-memfd.txt?raw";
import avcInitramfs from "../../../fixtures/service-journal/fedora-selinux-avc-initramfs.txt?raw";
import mkdumprd from "../../../fixtures/service-journal/fedora42-mkdumprd-failed.txt?raw";
import notSupported from "../../../fixtures/service-journal/scaleway-kdump-not-supported.txt?raw";
import sles from "../../../fixtures/service-journal/sles15-load-sh-memory-not-reserved.txt?raw";
import noMemory from "../../../fixtures/service-status/el7-centos-no-memory-failed.txt?raw";
import zhActive from "../../../fixtures/service-status/el7-zh-locale-active.txt?raw";
import edge from "../../../fixtures/service-status/el8-edge-no-initrd-write-permission.txt?raw";
import requiredKey from "../../../fixtures/service-status/el8-required-key-failed.txt?raw";
import hardened from "../../../fixtures/service-status/el9-hardened-eperm-failed.txt?raw";
import asahi from "../../../fixtures/service-status/fedora40-asahi-no-kdump-initrd-failed.txt?raw";
import deLocale from "../../../fixtures/system-log/constructed-de-locale-syslog-kdump-tools.txt?raw";
import currentFailed from "../../../fixtures/system-log/constructed-messages-current-boot-failed.txt?raw";
import rfc3339 from "../../../fixtures/system-log/constructed-rfc3339-previous-boot-failed.txt?raw";
import twoBoots from "../../../fixtures/system-log/openeuler-messages-two-boots.txt?raw";
import ima from "../../../fixtures/system-log/sonic-ima-appraise.txt?raw";
import { parseKdumpServiceJournal, parseSystemLog } from "./kdump-service-journal.ts";

describe("parseKdumpServiceJournal: every failure text the kdump tooling writes", () => {
  test.each([
    // [fixture, text, last status, most specific cause code, root-cause kind]
    ["centos7 status: No memory reserved", noMemory, "failed", "memory-not-reserved", "no-reservation"],
    [
      "fedora 40 status: No kdump initial ramdisk found, then mkdumprd failed",
      asahi,
      "failed",
      "initrd-build-failed",
      "initramfs",
    ],
    [
      "rhel-edge: no initramfs, no write permission",
      edge,
      "failed",
      "initrd-no-write-permission",
      "initramfs",
    ],
    ["rhel9 hardened: EPERM", hardened, "failed", "kexec-file-load-failed", "not-permitted"],
    ["rhel8: generic kexec failure only", requiredKey, "failed", "load-failed", null],
    ["zh_CN locale: loaded", zhActive, "loaded", null, null],
    [
      "fcos s390x: Failed to detect kdump kernel location",
      kernelLocation,
      "failed",
      "kernel-location-unknown",
      "kernel-missing",
    ],
    [
      "fcos: No memory reserved (kdump: prefix)",
      fcosNoMemory,
      "failed",
      "memory-not-reserved",
      "no-reservation",
    ],
    ["fcos arm64: failed to load", arm64, "failed", "load-failed", null],
    ["atomic: Cannot open …: Permission denied", cannotOpen, "failed", "cannot-open", "access-denied"],
    ["fedora: SELinux AVC on the kdump initramfs", avcInitramfs, "failed", "selinux-denied", "access-denied"],
    ["fcos: kernel audit AVC, unit as ident", avcMemfd, "failed", "selinux-denied", "access-denied"],
    ["fedora 42: mkdumprd failed", mkdumprd, "failed", "initrd-build-failed", "initramfs"],
    [
      "sles 15 load.sh: Memory for crashkernel is not reserved",
      sles,
      "failed",
      "memory-not-reserved",
      "no-reservation",
    ],
    [
      "scaleway: Kdump is not supported on this kernel",
      notSupported,
      "failed",
      "kdump-not-supported",
      "not-supported",
    ],
    ["fadump: mkfadumprd failed on a full disk", fadumpInitrd, "failed", "no-space", "no-space"],
    ["shell: kdump-config: command not found", notFound, "failed", "tools-not-found", "tools-missing"],
  ] as const)("%s", (_name, text, status, cause, kind) => {
    const { value } = parseKdumpServiceJournal(text);
    const ctx = JSON.stringify(value.findings.map((f) => [f.line, f.code]));
    expect(value.lastLoad.status, ctx).toBe(status);
    expect(value.lastLoad.causes[0]?.code ?? null, ctx).toBe(cause);
    expect(value.lastLoad.cause?.kind ?? null, ctx).toBe(kind);
  });

  test("ENOKEY is named a signature problem, with the exact line as the cause", () => {
    const text = [
      "Apr 27 16:43:02 node-1 systemd[1]: Starting Crash recovery kernel arming...",
      "Apr 27 16:43:03 node-1 kdumpctl[2480]: kexec_file_load failed: Required key not available",
      "Apr 27 16:43:03 node-1 kdumpctl[2480]: kdump: kexec: failed to load kdump kernel",
      "Apr 27 16:43:03 node-1 kdumpctl[2480]: kdump: Starting kdump: [FAILED]",
      "Apr 27 16:43:03 node-1 systemd[1]: Failed to start Crash recovery kernel arming.",
    ].join("\n");
    const { lastLoad } = parseKdumpServiceJournal(text).value;
    expect(lastLoad.cause?.kind).toBe("signature");
    expect(lastLoad.cause?.explanation).toMatch(/ENOKEY/);
    expect(lastLoad.causes[0]?.text).toBe(
      "Apr 27 16:43:03 node-1 kdumpctl[2480]: kexec_file_load failed: Required key not available",
    );
  });

  test("kdump.service's 'Started' is a success, kdump-tools' 'Finished' is not (trap 11)", () => {
    const el = "Oct 03 11:20:12 web02 systemd[1]: Finished kdump.service - Crash recovery kernel arming.";
    expect(parseKdumpServiceJournal(el).value.lastLoad.status).toBe("loaded");
    const debian = "Sep 14 01:45:21 test systemd[1]: Finished Kernel crash dump capture service.";
    expect(parseKdumpServiceJournal(debian).value.lastLoad.status).toBe("unknown");
  });

  test("a journal over two boots judges only the last one", () => {
    const { value } = parseKdumpServiceJournal(multiBoot);
    expect(value.bootMarkers).toBe(2);
    expect(value.lastLoad.status).toBe("loaded");
    expect(value.findings.filter((f) => f.boot === 1).map((f) => f.code)).toContain("start-failed");
  });
});

describe("parseSystemLog: the kdump lines of a whole system log", () => {
  test("a failure of an earlier boot is cut off at the kernel's restarted clock (real openEuler log)", () => {
    const { value } = parseSystemLog(twoBoots);
    expect(value.bootMarkers).toBe(1);
    expect(value.currentBootLine).toBe(19);
    expect(value.findings.some((f) => f.code === "start-failed" && f.boot === 0)).toBe(true);
    expect(value.lastLoad.status, "nothing of kdump in the current boot").toBe("unknown");
  });

  test("RFC 3339 syslog: the previous boot failed, the current one loaded", () => {
    const { value } = parseSystemLog(rfc3339);
    expect(value.bootMarkers).toBe(2);
    expect(value.lastLoad.status).toBe("loaded");
    expect(value.currentBootStamp?.epochMs).toBe(Date.UTC(2024, 10, 4, 21, 30, 2, 118));
  });

  test("German-locale syslog of a healthy Debian host reads as loaded", () => {
    const { value } = parseSystemLog(deLocale);
    expect(value.bootMarkers).toBe(1);
    expect(value.lastLoad.status).toBe("loaded");
    expect(value.findings.every((f) => f.ident !== "sshd")).toBe(true);
  });

  test("dracut's full disk during a kdump start is its cause; another program's full disk is not", () => {
    const { value } = parseSystemLog(currentFailed);
    expect(value.lastLoad.status).toBe("failed");
    expect(value.lastLoad.cause?.kind).toBe("no-space");
    expect(value.lastLoad.causes[0]?.text).toContain("dracut[1344]: dracut: cp: error writing");
    expect(value.findings.some((f) => f.ident === "postgres")).toBe(false);
  });

  test("a kernel IMA refusal of kexec is kept, with the severity column of SONiC's rsyslog", () => {
    const { value } = parseSystemLog(ima);
    expect(value.findings.map((f) => f.code)).toEqual(["ima-appraisal"]);
  });

  test("systemd lines about other units are not kdump's", () => {
    const text = [
      "Jun 10 06:02:30 db02 systemd[1]: Starting OpenSSH server daemon...",
      "Jun 10 06:02:30 db02 systemd[1]: Failed to start OpenSSH server daemon.",
      "Jun 10 06:02:31 db02 systemd[1]: Started Crash recovery kernel arming.",
    ].join("\n");
    const { value } = parseSystemLog(text);
    expect(value.findings.map((f) => [f.code, f.unit])).toEqual([["service-started", "kdump"]]);
    expect(value.lastLoad.status).toBe("loaded");
  });
});
