/**
 * Whole snapshots built from published outputs (fixtures/service-*, system-log, kdump-log,
 * packages, os-release): the verdict follows what actually arms the capture, on every family.
 */
import { describe, expect, test } from "vitest";
import show2204 from "../fixtures/kdump-config-show/ubuntu-2204-ready.txt?raw";
import requiredKeyLog from "../fixtures/kdump-log/constructed-required-key.txt?raw";
import calibrate from "../fixtures/kdumptool/suse-kdumptool-calibrate-constructed.txt?raw";
import azure from "../fixtures/os-release/azurelinux-3.txt?raw";
import rocky from "../fixtures/os-release/rocky-9.txt?raw";
import sles from "../fixtures/os-release/sles-15-sp5.txt?raw";
import kdumpConf from "../fixtures/other/etc-kdump-conf-rhel-default-active.txt?raw";
import rpms from "../fixtures/packages/sos-installed-rpms-el9-excerpt.txt?raw";
import fadumpInitrd from "../fixtures/service-journal/constructed-fadump-mkfadumprd-failed.txt?raw";
import avcInitramfs from "../fixtures/service-journal/fedora-selinux-avc-initramfs.txt?raw";
import slesLoad from "../fixtures/service-journal/sles15-load-sh-memory-not-reserved.txt?raw";
import streamActive from "../fixtures/service-status/el8-centos-stream-active.txt?raw";
import requiredKeyStatus from "../fixtures/service-status/el8-required-key-failed.txt?raw";
import hardened from "../fixtures/service-status/el9-hardened-eperm-failed.txt?raw";
import p11 from "../fixtures/service-status/ppc64le-p11-ellipsized-active.txt?raw";
import lockdownNone from "../fixtures/sysfs/sys-kernel-security-lockdown-none.txt?raw";
import rfc3339 from "../fixtures/system-log/constructed-rfc3339-previous-boot-failed.txt?raw";
import type { CheckId, CheckResult } from "./checks/check.ts";
import { type Judgement, judgeSnapshot } from "./judge.ts";
import type { Snapshot, SourceId, SourceResult } from "./sources.ts";

const NOW = new Date("2024-09-04T12:00:00Z");

function judge(sources: Partial<Record<SourceId, string | SourceResult>>): Judgement {
  const out: Snapshot["sources"] = {};
  for (const [id, v] of Object.entries(sources) as [SourceId, string | SourceResult][]) {
    out[id] = typeof v === "string" ? { ok: true, text: v } : v;
  }
  const j = judgeSnapshot({ sources: out, collectedAt: "2024-09-04T12:00:00Z" }, NOW);
  expect(invented(j, out), "evidence is the host's own text").toEqual([]);
  return j;
}

/** Evidence lines that do not occur verbatim in the text of the source they name. */
function invented(j: Judgement, sources: Snapshot["sources"]): string[] {
  const out: string[] = [];
  for (const c of [...j.checks, { id: "facts.collection", evidence: j.facts.collection.evidence }]) {
    for (const e of c.evidence) {
      const r = sources[e.source as SourceId];
      if (e.text.trim() === "" || !r?.ok || !r.text.includes(e.text))
        out.push(`${c.id}: ${e.source}: ${e.text}`);
    }
  }
  return out;
}
const byId = (j: Judgement) =>
  Object.fromEntries(j.checks.map((c) => [c.id, c])) as Record<CheckId, CheckResult>;
const statuses = (j: Judgement) =>
  JSON.stringify(Object.fromEntries(j.checks.map((c) => [c.id, `${c.status}: ${c.summary}`])), null, 1);

/** A RHEL-family host as a sos report shows it: no `kdumpctl status`, no kexec_load_disabled. */
const rockySos: Partial<Record<SourceId, string | SourceResult>> = {
  os_release: rocky,
  uname:
    "Linux db02 5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed May 1 19:11:28 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
  cmdline:
    "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rl-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M rd.lvm.lv=rl/root\n",
  meminfo: "MemTotal:       16206028 kB\n",
  kexec_crash_size: "268435456\n",
  kexec_crash_loaded: "1\n",
  lockdown: lockdownNone,
  kdump_conf: kdumpConf,
  installed_packages: rpms,
  kdump_service_status: streamActive,
  "sysctl.kernel.panic_on_oops": "1\n",
};

describe("readiness follows what actually arms the capture", () => {
  test("a RHEL-family sos report without kdumpctl status or kexec_load_disabled is ready, not unknown", () => {
    const j = judge(rockySos);
    expect(j.verdict, statuses(j)).toBe("ready");
    const c = byId(j);
    expect(c["kdump.tools-installed"].summary).toBe(
      "The kdump tooling is installed (kexec-tools 2.0.27-8.el9_4)",
    );
    expect(c["kdump.enabled"].evidence).toContainEqual({
      source: "kdump_service_status",
      text: "   Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; vendor preset: enabled)",
    });
    expect(c["kexec.load-disabled"].status).toBe("info");
  });

  test("the issue's false ready: fadump registered while the kdump service failed is not ready, cause named", () => {
    const status = [
      "× kdump.service - Crash recovery kernel arming",
      "     Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; preset: enabled)",
      "     Active: failed (Result: exit-code) since Fri 2024-01-12 03:14:31 UTC; 2 days ago",
      "",
      fadumpInitrd.trimEnd(),
    ].join("\n");
    const j = judge({
      ...rockySos,
      uname:
        "Linux p10lpar 5.14.0-427.13.1.el9_4.ppc64le #1 SMP Wed May 1 19:11:28 UTC 2024 ppc64le ppc64le ppc64le GNU/Linux\n",
      cmdline: "BOOT_IMAGE=/vmlinuz-5.14.0-427.13.1.el9_4.ppc64le root=/dev/mapper/rhel-root ro fadump=on\n",
      kexec_crash_size: "0\n",
      kexec_crash_loaded: "0\n",
      fadump_enabled: "1\n",
      fadump_registered: "1\n",
      fadump_mem_reserved: "4294967296\n",
      kdump_service_status: status,
    });
    expect(j.verdict, statuses(j)).toBe("not_ready");
    const c = byId(j);
    expect(c["kdump.loaded"].status).toBe("fail");
    expect(c["kdump.loaded"].summary).toMatch(
      /^Not armed as configured: fadump is registered, but the kdump service's last start in this boot failed/,
    );
    expect(c["kdump.loaded"].summary).toMatch(/No space left on device/);
    expect(c["kdump.loaded"].remediation?.join("\n")).toMatch(/kdumpctl rebuild/);
    expect(c["crashkernel.param"].status, "a fadump host is not asked for crashkernel=").toBe("pass");
    expect(c["crashkernel.reserved"].status).toBe("pass");
  });

  test("a hardened RHEL 9 (kexec_load_disabled=1) with a failed kdump start: both causes shown, EPERM named", () => {
    const j = judge({
      ...rockySos,
      kexec_crash_loaded: "0\n",
      "sysctl.kernel.kexec_load_disabled": "1\n",
      kdump_service_status: hardened,
    });
    expect(j.verdict).toBe("not_ready");
    const c = byId(j);
    expect(c["kexec.load-disabled"].status).toBe("fail");
    expect(c["kdump.loaded"].summary).toBe(
      "Capture kernel not loaded (not ready to kdump); last load error: Mar 11 16:14:29 localhost.localdomain kdumpctl[2050]: kexec_file_load failed: Operation not permitted — root cause: the kernel refused to load the capture kernel (EPERM: lockdown or signature policy, kernel.kexec_load_disabled, or an exhausted kexec load limit)",
    );
  });

  test("ENOKEY from /var/log/kdump.log explains the generic [FAILED] of systemctl status", () => {
    const j = judge({
      ...rockySos,
      kexec_crash_loaded: "0\n",
      kdump_service_status: requiredKeyStatus,
      kdump_log: requiredKeyLog,
    });
    const c = byId(j);
    expect(j.verdict).toBe("not_ready");
    expect(c["kdump.loaded"].summary).toMatch(
      /Required key not available — root cause: the capture kernel's signature could not be verified \(ENOKEY/,
    );
    expect(c["kdump.loaded"].remediation?.[0]).toMatch(/distribution-signed kernel/);
  });

  test("kdumpctl's own failure lines in the journal are kdump.service failing itself, not a lying 'active' unit", () => {
    const { kdump_service_status: _status, ...withoutStatus } = rockySos;
    const j = judge({ ...withoutStatus, kexec_crash_loaded: "0\n", kdump_service_journal: avcInitramfs });
    const c = byId(j);
    expect(j.verdict, statuses(j)).toBe("not_ready");
    expect(c["kdump.loaded"].status).toBe("fail");
    expect(c["kdump.service-state"].status, c["kdump.service-state"].summary).toBe("info");
    expect(c["kdump.service-state"].summary).toMatch(/^The kdump service reports the failure itself/);
  });

  test("a failure in an earlier boot of the system log does not outlive the reboot", () => {
    const j = judge({
      os_release: 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n',
      uname:
        "Linux app03 5.15.0-124-generic #134-Ubuntu SMP Fri Sep 27 20:20:17 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
      cmdline: "BOOT_IMAGE=/vmlinuz-5.15.0-124-generic root=/dev/sda1 ro crashkernel=512M-:192M\n",
      meminfo: "MemTotal:        8026796 kB\n",
      kexec_crash_size: "201326592\n",
      lockdown: lockdownNone,
      "sysctl.kernel.kexec_load_disabled": "0\n",
      "sysctl.kernel.panic_on_oops": "1\n",
      etc_default_kdump_tools: "USE_KDUMP=1\n",
      kdump_config_show: show2204,
      system_log: rfc3339,
    });
    expect(j.facts.service).toMatchObject({ lastLoad: "loaded", failure: null });
    expect(byId(j)["kdump.loaded"].status).toBe("pass");
  });

  test("a systemctl status cut at the terminal width is 'collection incomplete', never silently complete", () => {
    const j = judge({ ...rockySos, kdump_service_status: p11 });
    const c = byId(j);
    expect(c["collection.complete"].status).toBe("warn");
    expect(c["collection.complete"].summary).toMatch(
      /^Collection incomplete: .*output cut short: kdump_service_status/,
    );
    expect(c["collection.complete"].evidence).toContainEqual({
      source: "kdump_service_status",
      text: "Jan 09 09:11:55 ltcden8-lp5.ltc.tadn.ibm.com dracut[2839]: *** Install squash…**",
    });
    expect(j.verdict).toBe("at_risk");
  });

  test("kdump-config show cut before its `current state:` line is incomplete", () => {
    const cut = show2204.split("\n").slice(0, 4).join("\n");
    const j = judge({ ...rockySos, os_release: "ID=ubuntu\nID_LIKE=debian\n", kdump_config_show: cut });
    expect(j.facts.collection.incomplete).toContain("kdump_config_show");
  });
});

describe("every family gets its own tools and fixes", () => {
  test("SUSE: a failed load.sh start names the cause and sends the operator to YaST / sysconfig", () => {
    const status = [
      "× kdump.service - Load kdump kernel and initrd",
      "     Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; vendor preset: disabled)",
      "     Active: failed (Result: exit-code) since Wed 2019-06-19 13:35:28 UTC; 1min ago",
      "",
      slesLoad.trimEnd(),
    ].join("\n");
    const j = judge({
      os_release: sles,
      cmdline: "BOOT_IMAGE=/boot/vmlinuz-5.14.21-150500.55.28-default root=UUID=0b5f2a91 splash=silent\n",
      kexec_crash_size: "0\n",
      kexec_crash_loaded: "0\n",
      sysconfig_kdump: 'KDUMP_CRASHKERNEL="auto"\nKDUMP_SAVEDIR="/var/crash"\n',
      kdumptool_calibrate: calibrate,
      kdump_service_status: status,
    });
    expect(j.facts.identity.os.family).toBe("suse");
    expect(j.facts.kdump).toMatchObject({
      tool: "kdumptool",
      installed: true,
      suggestedBytes: 317 * 1024 * 1024,
    });
    expect(j.verdict).toBe("not_ready");
    const c = byId(j);
    expect(c["kdump.loaded"].summary).toMatch(
      /Memory for crashkernel is not reserved — root cause: no memory is reserved/,
    );
    const all = j.checks.flatMap((x) => x.remediation ?? []).join("\n");
    expect(all).toMatch(/yast2 kdump/);
    expect(all).not.toMatch(/\b(?:kdumpctl|kdump-config|grubby|update-grub)\b/);
  });

  test("Azure Linux: kdumpctl's host is told grub2-mkconfig and tdnf, never grubby or reset-crashkernel", () => {
    const j = judge({
      os_release: azure,
      cmdline: "BOOT_IMAGE=/boot/vmlinuz-6.6.47.1-1.azl3 root=PARTUUID=1a2b ro\n",
      kexec_crash_size: "0\n",
      kexec_crash_loaded: "0\n",
      kdumpctl_status: "kdump: Kdump is not operational\n",
      kdump_conf: kdumpConf,
    });
    expect(j.facts.identity.os.family).toBe("azurelinux");
    const all = j.checks.flatMap((x) => x.remediation ?? []).join("\n");
    expect(all).toMatch(/51_kexec_tools\.cfg/);
    expect(all).toMatch(/grub2-mkconfig -o \/boot\/grub2\/grub\.cfg/);
    expect(all).not.toMatch(/\b(?:grubby|reset-crashkernel|kdump-config|update-grub|zypper)\b/);
  });
});
