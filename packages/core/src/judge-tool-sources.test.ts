/**
 * Issue 11 §2, "a parser that nothing feeds is either wired in or deleted": every family's tool
 * output and configuration has a source (apps/agent's table reads it live and in sos /
 * supportconfig captures) and adds evidence to a check. Each case gives a host where that source
 * alone answers a check's question, and the check cites the source's own line.
 */
import { expect, test } from "vitest";
import type { CheckId } from "./checks/check.ts";
import { judgeSnapshot } from "./judge.ts";
import type { Snapshot, SourceId, SourceResult } from "./sources.ts";

const NOW = new Date("2025-01-12T12:00:00Z");

const UBUNTU: Partial<Record<SourceId, string>> = {
  os_release: 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n',
  uname:
    "Linux web01 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
  cmdline:
    "BOOT_IMAGE=/boot/vmlinuz-6.8.0-45-generic root=/dev/mapper/vg0-root ro crashkernel=2G-4G:320M,4G-32G:512M,32G-:1G\n",
  meminfo: "MemTotal:       16303444 kB\n",
  etc_default_kdump_tools: "USE_KDUMP=1\n",
};
const ROCKY: Partial<Record<SourceId, string>> = {
  os_release: 'NAME="Rocky Linux"\nVERSION_ID="9.4"\nID="rocky"\nID_LIKE="rhel centos fedora"\n',
  uname:
    "Linux db02 5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed May 1 19:11:28 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n",
  cmdline:
    "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rl-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M\n",
  meminfo: "MemTotal:       16206028 kB\n",
  kdump_conf: "path /var/crash\ncore_collector makedumpfile -l --message-level 7 -d 31\n",
};
const SLES: Partial<Record<SourceId, string>> = {
  os_release: 'NAME="SLES"\nVERSION_ID="15.6"\nID="sles"\nID_LIKE="suse"\n',
  uname:
    "Linux s15 6.4.0-150600.23.25-default #1 SMP PREEMPT_DYNAMIC Tue Oct 15 08:00:00 UTC 2024 (1c5a1a5) x86_64 x86_64 x86_64 GNU/Linux\n",
  cmdline:
    "BOOT_IMAGE=/boot/vmlinuz-6.4.0-150600.23.25-default root=UUID=1 crashkernel=242M,high crashkernel=72M,low\n",
  meminfo: "MemTotal:        8129876 kB\n",
  kexec_crash_size: "329252864\n",
  kexec_crash_loaded: "1\n",
};

const CASES: ReadonlyArray<
  [SourceId, CheckId, Partial<Record<SourceId, string>>, string, string, RegExp | null]
> = [
  [
    "kdump_config_status",
    "kdump.loaded",
    { ...UBUNTU, kexec_crash_size: "536870912\n" },
    "current state   : Not ready to kdump\n",
    "current state   : Not ready to kdump",
    /fail/,
  ],
  [
    "kdump_config_test",
    "kdump.kernel-links",
    { ...UBUNTU, kexec_crash_size: "536870912\n", kexec_crash_loaded: "1\n" },
    [
      "USE_KDUMP:\t\t1",
      "KDUMP_COREDIR:\t\t/var/crash",
      "kdump kernel:",
      "   /var/lib/kdump/vmlinuz: symbolic link to /boot/vmlinuz-6.8.0-40-generic",
      "kdump initrd: ",
      "   /var/lib/kdump/initrd.img: symbolic link to /var/lib/kdump/initrd.img-6.8.0-40-generic",
      "kexec command to be used:",
      "  /sbin/kexec -p -s --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz",
      "",
    ].join("\n"),
    "   /var/lib/kdump/vmlinuz: symbolic link to /boot/vmlinuz-6.8.0-40-generic",
    /warn/,
  ],
  [
    "kdumpctl_showmem",
    "crashkernel.reserved",
    { ...ROCKY, kexec_crash_loaded: "1\n" },
    "kdump: Reserved 256MB memory for crash kernel\n",
    "kdump: Reserved 256MB memory for crash kernel",
    /pass/,
  ],
  [
    "kdumpctl_estimate",
    "crashkernel.size",
    { ...ROCKY, kexec_crash_size: "268435456\n", kexec_crash_loaded: "1\n" },
    "Reserved crashkernel:    256M\nRecommended crashkernel: 655M\n",
    "Recommended crashkernel: 655M",
    /warn|fail/,
  ],
  [
    "kdumptool_calibrate",
    "crashkernel.size",
    SLES,
    "Total: 7936\nLow: 72\nHigh: 329\nMinLow: 72\nMaxLow: 2866\n",
    "High: 329",
    /warn|fail/,
  ],
  [
    "sysconfig_kdump",
    "dump-target.capacity",
    { ...SLES, kdumptool_calibrate: "Total: 7936\nLow: 72\nHigh: 242\n" },
    'KDUMP_SAVEDIR="ssh://kdump@backup.example/var/crash"\n',
    'KDUMP_SAVEDIR="ssh://kdump@backup.example/var/crash"',
    null,
  ],
];

test.each(CASES)("%s feeds %s", (source, check, base, text, line, status) => {
  const sources: Snapshot["sources"] = {};
  for (const [id, t] of Object.entries({ ...base, [source]: text }) as [SourceId, string][])
    sources[id] = { ok: true, text: t };
  const j = judgeSnapshot({ sources, collectedAt: NOW.toISOString() }, NOW);
  const c = j.checks.find((x) => x.id === check)!;
  expect(c.evidence, `${check}: ${c.status}: ${c.summary}`).toContainEqual({ source, text: line });
  if (status) expect(c.status, c.summary).toMatch(status);

  // without the source the line is gone: it is this source that answers
  delete sources[source];
  const without = judgeSnapshot({ sources, collectedAt: NOW.toISOString() }, NOW);
  const w = without.checks.find((x) => x.id === check)!;
  expect(w.evidence.some((e) => e.source === source)).toBe(false);
});

/** Issue 11 §3: truncated tool output is "collection incomplete", never silently complete. */
test.each<[string, SourceId, Partial<Record<SourceId, string>>, SourceResult]>([
  [
    "kdumpctl estimate cut after `Reserved crashkernel:`",
    "kdumpctl_estimate",
    ROCKY,
    { ok: true, text: "Reserved crashkernel:    256M\n" },
  ],
  [
    "kdump-config test cut before `kexec command to be used:`",
    "kdump_config_test",
    UBUNTU,
    { ok: true, text: "USE_KDUMP:\t\t1\nKDUMP_COREDIR:\t\t/var/crash\ncrashkernel addr\t\t0x5f000000\n" },
  ],
  [
    "a tool output the agent cut at its size cap",
    "kdumptool_calibrate",
    SLES,
    { ok: true, text: "Total: 7936\nLow: 72\n", truncated: true },
  ],
])("%s: collection incomplete", (_name, source, base, result) => {
  const sources: Snapshot["sources"] = {};
  for (const [id, t] of Object.entries(base) as [SourceId, string][]) sources[id] = { ok: true, text: t };
  sources[source] = result;
  const j = judgeSnapshot({ sources, collectedAt: NOW.toISOString() }, NOW);
  const c = j.checks.find((x) => x.id === "collection.complete")!;
  expect(c.status, c.summary).toBe("warn");
  expect(c.summary).toMatch(new RegExp(`^Collection incomplete: .*${source}`));
  expect(j.verdict, "an incomplete collection is never ready").not.toBe("ready");
});
