/**
 * Issue 11 §1, one whole snapshot per failure text: a start of the service that arms capture that
 * failed in this boot is "not ready" with its root cause named — in kdump mode and in fadump mode
 * (where the kernel's registration alone once read as "ready") — whichever source says it (unit
 * journal, systemctl status, the system log in any locale) and whatever the tool's words.
 */
import { describe, expect, test } from "vitest";
import type { CheckId, CheckResult } from "./checks/check.ts";
import { type Judgement, judgeSnapshot } from "./judge.ts";
import type { FailureKind } from "./parsers/tools/failure-cause.ts";
import type { Snapshot, SourceId, SourceResult } from "./sources.ts";

const NOW = new Date("2025-01-12T12:00:00Z");
type Sources = Partial<Record<SourceId, string | SourceResult>>;

function judge(sources: Sources): Judgement {
  const out: Snapshot["sources"] = {};
  for (const [id, v] of Object.entries(sources) as [SourceId, string | SourceResult][]) {
    out[id] = typeof v === "string" ? { ok: true, text: v } : v;
  }
  const j = judgeSnapshot({ sources: out, collectedAt: NOW.toISOString() }, NOW);
  // evidence is the host's own words (issue 11 §5)
  for (const c of j.checks)
    for (const e of c.evidence) {
      const r = out[e.source as SourceId];
      expect(r?.ok && r.text.includes(e.text), `${c.id}: ${e.source}: ${e.text}`).toBe(true);
    }
  return j;
}
const byId = (j: Judgement) =>
  Object.fromEntries(j.checks.map((c) => [c.id, c])) as Record<CheckId, CheckResult>;
const statuses = (j: Judgement) =>
  JSON.stringify(Object.fromEntries(j.checks.map((c) => [c.id, `${c.status}: ${c.summary}`])), null, 1);

const EL_OS = 'NAME="Rocky Linux"\nVERSION_ID="9.4"\nID="rocky"\nID_LIKE="rhel centos fedora"\n';
const KDUMP_CONF = "path /var/crash\ncore_collector makedumpfile -l --message-level 7 -d 31\n";

/** An EL 9 host whose capture kernel is not loaded (kdump mode). */
const KDUMP_MODE: Sources = {
  os_release: EL_OS,
  uname:
    "Linux db02 5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed May 1 19:11:28 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
  cmdline:
    "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rl-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M\n",
  meminfo: "MemTotal:       16206028 kB\n",
  kexec_crash_size: "268435456\n",
  kexec_crash_loaded: "0\n",
  kdump_conf: KDUMP_CONF,
  "sysctl.kernel.panic_on_oops": "1\n",
};

/** A POWER LPAR in fadump mode whose firmware registration stands (the false "ready"). */
const FADUMP_MODE: Sources = {
  ...KDUMP_MODE,
  uname:
    "Linux p10lpar 5.14.0-427.13.1.el9_4.ppc64le #1 SMP Wed May 1 19:11:28 UTC 2024 ppc64le ppc64le ppc64le GNU/Linux\n",
  cmdline: "BOOT_IMAGE=/vmlinuz-5.14.0-427.13.1.el9_4.ppc64le root=/dev/mapper/rhel-root ro fadump=on\n",
  kexec_crash_size: "0\n",
  fadump_enabled: "1\n",
  fadump_registered: "1\n",
  fadump_mem_reserved: "4294967296\n",
};

const failedStatus = (...lines: string[]) =>
  [
    "× kdump.service - Crash recovery kernel arming",
    "     Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; preset: enabled)",
    "     Active: failed (Result: exit-code) since Sun 2025-01-12 03:14:31 UTC; 8h ago",
    "",
    "Jan 12 03:14:30 db02 systemd[1]: Starting Crash recovery kernel arming...",
    ...lines,
    "Jan 12 03:14:31 db02 kdumpctl[812]: kdump: Starting kdump: [FAILED]",
    "Jan 12 03:14:31 db02 systemd[1]: kdump.service: Main process exited, code=exited, status=1/FAILURE",
    "Jan 12 03:14:31 db02 systemd[1]: Failed to start Crash recovery kernel arming.",
    "",
  ].join("\n");

/** A syslog file of this boot in a non-English locale: `month` is the locale's January. */
const localeSyslog = (month: string, ...lines: string[]) =>
  [
    `${month} 12 03:14:00 db02 kernel: Linux version 5.14.0-427.13.1.el9_4.x86_64 (mockbuild@x86-64-02) #1 SMP`,
    `${month} 12 03:14:20 db02 sshd[700]: Server listening on 0.0.0.0 port 22.`,
    `${month} 12 03:14:30 db02 systemd[1]: Starting Crash recovery kernel arming...`,
    ...lines.map((l) => `${month} 12 03:14:31 db02 ${l}`),
    `${month} 12 03:14:31 db02 kdumpctl[812]: kdump: Starting kdump: [FAILED]`,
    `${month} 12 03:14:31 db02 systemd[1]: Failed to start Crash recovery kernel arming.`,
    "",
  ].join("\n");

const CASES: ReadonlyArray<[string, Sources, FailureKind, RegExp]> = [
  [
    "EKEYREJECTED in systemctl status",
    {
      kdump_service_status: failedStatus(
        "Jan 12 03:14:31 db02 kdumpctl[812]: kexec_file_load failed: Key was rejected by service",
      ),
    },
    "signature",
    /Key was rejected by service/,
  ],
  [
    "ENOKEY in the unit journal",
    {
      kdump_service_journal: failedStatus(
        "Jan 12 03:14:31 db02 kdumpctl[812]: kexec_file_load failed: Required key not available",
      )
        .split("\n")
        .slice(4)
        .join("\n"),
    },
    "signature",
    /ENOKEY/,
  ],
  [
    "EPERM in a French-locale syslog (janv.)",
    { system_log: localeSyslog("janv.", "kdumpctl[812]: kexec_file_load failed: Operation not permitted") },
    "not-permitted",
    /EPERM/,
  ],
  [
    "an IMA appraisal denial in a German-locale syslog (Mär)",
    {
      system_log: localeSyslog(
        "Mär",
        "kernel: ima: impossible to appraise a kernel image without a file descriptor; try using kexec_file_load syscall.",
        "kdumpctl[812]: kexec: failed to load kdump kernel",
      ),
    },
    "access-denied",
    /appraise/,
  ],
  [
    "Failed to detect kdump kernel location (Spanish-locale syslog, ene)",
    { system_log: localeSyslog("ene", "kdumpctl[812]: kdump: Failed to detect kdump kernel location") },
    "kernel-missing",
    /kernel/,
  ],
  [
    "No kdump initial ramdisk found, then mkdumprd failed",
    {
      kdump_service_status: failedStatus(
        "Jan 12 03:14:30 db02 kdumpctl[812]: kdump: No kdump initial ramdisk found.",
        "Jan 12 03:14:31 db02 kdumpctl[812]: kdump: mkdumprd: failed to make kdump initrd",
      ),
    },
    "initramfs",
    /initrd|initramfs/,
  ],
  [
    "dracut: No space left on device",
    {
      kdump_service_status: failedStatus(
        "Jan 12 03:14:31 db02 dracut[1344]: dracut: cp: error writing '/boot/initramfs-5.14.0-427.13.1.el9_4.x86_64kdump.img': No space left on device",
        "Jan 12 03:14:31 db02 kdumpctl[812]: kdump: mkdumprd: failed to make kdump initrd",
      ),
    },
    "no-space",
    /No space left on device/,
  ],
  [
    "Cannot open …: Permission denied",
    {
      kdump_service_status: failedStatus(
        "Jan 12 03:14:31 db02 kdumpctl[812]: Cannot open `/boot/vmlinuz-5.14.0-427.13.1.el9_4.x86_64': Permission denied",
      ),
    },
    "access-denied",
    /Permission denied/,
  ],
];

describe.each([
  ["kdump mode", KDUMP_MODE],
  ["fadump mode", FADUMP_MODE],
] as const)("%s: a failed start in this boot is not ready, cause named", (_mode, base) => {
  test.each(CASES)("%s", (_name, sources, kind, named) => {
    const j = judge({ ...base, ...sources });
    expect(j.verdict, statuses(j)).toBe("not_ready");
    expect(j.facts.service.failure?.kind, statuses(j)).toBe(kind);
    expect(j.facts.service.failure?.thisBoot).toBe(true);
    const loaded = byId(j)["kdump.loaded"];
    expect(loaded.status, loaded.summary).toBe("fail");
    expect(loaded.summary, "the root cause is named").toMatch(named);
  });
});

describe("tools that are not there", () => {
  const debian: Sources = {
    os_release: 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n',
    uname:
      "Linux web01 5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
    cmdline: "BOOT_IMAGE=/boot/vmlinuz-5.15.0-105-generic root=/dev/sda1 ro crashkernel=512M-:192M\n",
    meminfo: "MemTotal:        8129876 kB\n",
    kexec_crash_size: "201326592\n",
    kexec_crash_loaded: "0\n",
  };

  test("`kdump-config: not found` (dash, from the init script) says the tools are missing", () => {
    const j = judge({
      ...debian,
      kdump_service_journal: [
        "Jan 12 03:14:30 web01 systemd[1]: Starting kdump-tools.service - Kernel crash dump capture service...",
        "Jan 12 03:14:30 web01 kdump-tools[612]: /etc/init.d/kdump-tools: 42: kdump-config: not found",
        "Jan 12 03:14:30 web01 systemd[1]: kdump-tools.service: Main process exited, code=exited, status=127/n/a",
        "Jan 12 03:14:30 web01 systemd[1]: Failed to start kdump-tools.service - Kernel crash dump capture service.",
        "",
      ].join("\n"),
    });
    expect(j.verdict, statuses(j)).toBe("not_ready");
    expect(j.facts.service.failure?.kind).toBe("tools-missing");
    const c = byId(j);
    expect(c["kdump.loaded"].summary).toMatch(/kdump-config: not found/);
    expect((c["kdump.loaded"].remediation ?? []).join("\n")).toMatch(/apt install kdump-tools/);
  });

  test("a shell's `kdump-config: command not found` (exit 127) is 'not installed'", () => {
    const j = judge({
      ...debian,
      kdump_config_show: { ok: true, text: "sudo: kdump-config: command not found\n", exitCode: 127 },
    });
    expect(j.verdict, statuses(j)).toBe("not_ready");
    const installed = byId(j)["kdump.tools-installed"];
    expect(installed.status).toBe("fail");
    expect(installed.evidence.map((e) => e.text)).toContain("sudo: kdump-config: command not found");
  });

  test("kdumpctl status `Kdump is not operational` is not ready", () => {
    const j = judge({
      ...KDUMP_MODE,
      kdumpctl_status: { ok: true, text: "kdump: Kdump is not operational\n", exitCode: 3 },
    });
    expect(j.verdict, statuses(j)).toBe("not_ready");
    expect(byId(j)["kdump.loaded"].status).toBe("fail");
  });
});
