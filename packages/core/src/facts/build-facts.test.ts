import { describe, expect, test } from "vitest";
import dmesgPpcLegacy from "../../fixtures/dmesg/constructed-ppc64-legacy.txt?raw";
import dmesgLowHighCma from "../../fixtures/dmesg/generic-low-high-cma.txt?raw";
import dmesgSecureBoot from "../../fixtures/dmesg/secureboot-lockdown-boot.txt?raw";
import dmesg2004 from "../../fixtures/dmesg/x86-ubuntu2004-reserving-192M.txt?raw";
import iomemZeroed from "../../fixtures/iomem/constructed-nonroot-zeroed.txt?raw";
import iomemLowHigh from "../../fixtures/iomem/constructed-x86-low-and-high.txt?raw";
import iomemNested from "../../fixtures/iomem/constructed-x86-nested.txt?raw";
import grubD2204 from "../../fixtures/judge/etc-default-grub-d-ubuntu-2204.txt?raw";
import grubUbuntu from "../../fixtures/judge/etc-default-grub-ubuntu.txt?raw";
import showRemote from "../../fixtures/kdump-config-show/constructed-nfs-ftp-remote.txt?raw";
import show1404Off from "../../fixtures/kdump-config-show/ubuntu-1404-not-ready-use-kdump-0.txt?raw";
import show2404 from "../../fixtures/kdump-config-show/ubuntu-2404-aws-ready-suggested.txt?raw";
import estimate from "../../fixtures/kdumpctl/constructed-estimate-no-luks.txt?raw";
import statusNotice from "../../fixtures/kdumpctl/constructed-status-with-test-notice.txt?raw";
import journalDebianSplit from "../../fixtures/other/kdump-tools-service-no-crashkernel-debian-sonic.txt?raw";
import listingTwoDumps from "../../fixtures/other/var-crash-listing-two-dumps-blog.txt?raw";
import listingDoc2026 from "../../fixtures/other/var-crash-listing-ubuntu-doc-2026.txt?raw";
import type { Snapshot, SourceId, SourceResult } from "../sources.ts";
import { buildFacts } from "./build-facts.ts";

const MiB = 1024 * 1024;

function facts(sources: Partial<Record<SourceId, string | SourceResult>>) {
  const out: Snapshot["sources"] = {};
  for (const [id, v] of Object.entries(sources) as [SourceId, string | SourceResult][]) {
    out[id] = typeof v === "string" ? { ok: true, text: v } : v;
  }
  return buildFacts({ sources: out, collectedAt: "2024-09-04T12:00:00Z" });
}

describe("buildFacts: memory", () => {
  test("prefers the dmesg System RAM figure over iomem and MemTotal", () => {
    const f = facts({ dmesg: dmesg2004, iomem: iomemNested, meminfo: "MemTotal:        8026796 kB\n" });
    expect(f.memory).toMatchObject({
      systemRamBytes: 8191 * MiB,
      systemRamSource: "dmesg",
      memTotalBytes: 8026796 * 1024,
    });
  });

  test("falls back to the iomem System RAM sum, then MemTotal", () => {
    expect(facts({ iomem: iomemNested, meminfo: "MemTotal: 1000 kB\n" }).memory.systemRamSource).toBe(
      "iomem",
    );
    expect(facts({ iomem: iomemZeroed, meminfo: "MemTotal: 1000 kB\n" }).memory).toMatchObject({
      systemRamBytes: 1000 * 1024,
      systemRamSource: "meminfo",
    });
  });
});

describe("buildFacts: identity", () => {
  test("takes the kernel release from the dmesg banner when uname is missing", () => {
    const f = facts({
      dmesg: "[    0.000000] Linux version 6.8.0-45-generic (buildd@host) #45-Ubuntu SMP\n",
    });
    expect(f.identity.kernelRelease).toBe("6.8.0-45-generic");
    expect(f.identity.evidence[0]?.source).toBe("dmesg");
  });

  test("guesses the distro family from the tooling when os-release is missing", () => {
    expect(facts({ kdump_config_show: show2404 }).identity.os.family).toBe("debian");
    expect(facts({ kdumpctl_status: statusNotice }).identity.os.family).toBe("el");
    expect(facts({}).identity.os.family).toBe("unknown");
  });
});

describe("buildFacts: reservation", () => {
  test("kexec_crash_size 0 overrides a boot-time success line (the region can be released)", () => {
    const f = facts({ dmesg: dmesg2004, kexec_crash_size: "0\n" });
    expect(f.reservation).toMatchObject({ bytes: 0, reservedSeen: false, noneSeen: true, regions: [] });
  });

  test("trap 6 and 7: iomem low+high regions, inclusive ends made exclusive", () => {
    const f = facts({ iomem: iomemLowHigh });
    expect(f.reservation.regions).toEqual([
      { kind: "low", start: 0xab000000, end: 0xbb000000, bytes: 256 * MiB, source: "iomem" },
      { kind: "main", start: 0x101f000000, end: 0x103f000000, bytes: 512 * MiB, source: "iomem" },
    ]);
    expect(f.reservation.bytes).toBe(768 * MiB);
  });

  test("trap 6: a kexec_crash_size that counts only the main region (older kernels) gets the low region added", () => {
    expect(facts({ iomem: iomemLowHigh, kexec_crash_size: `${512 * MiB}\n` }).reservation.bytes).toBe(
      768 * MiB,
    );
    expect(facts({ iomem: iomemLowHigh, kexec_crash_size: `${768 * MiB}\n` }).reservation.bytes).toBe(
      768 * MiB,
    );
  });

  test("trap 6: the generic low/high dmesg pair gives two regions; CMA is not counted", () => {
    const f = facts({ dmesg: dmesgLowHighCma });
    expect(f.reservation.regions.map((r) => [r.kind, r.bytes])).toEqual([
      ["low", 128 * MiB],
      ["main", 4096 * MiB],
    ]);
    expect(f.reservation.bytes).toBe(4224 * MiB);
  });

  test("trap 8: a ppc 'Reserving' line cancelled by 'Failed to reserve' is a failure, not a reservation", () => {
    const f = facts({ dmesg: dmesgPpcLegacy });
    expect(f.reservation.reservedSeen).toBe(false);
    expect(f.reservation.failures.map((e) => e.text)).toContain(
      "[    0.000000] Failed to reserve memory for crashkernel!",
    );
  });

  test("trap 10: zeroed iomem is indirect evidence, exact again with kexec_crash_size", () => {
    expect(facts({ iomem: iomemZeroed }).reservation).toMatchObject({
      reservedSeen: true,
      indirect: true,
      bytes: null,
    });
    expect(facts({ iomem: iomemZeroed, kexec_crash_size: "134217728\n" }).reservation).toMatchObject({
      reservedSeen: true,
      indirect: false,
      bytes: 128 * MiB,
    });
  });

  test("an iomem read as root without a Crash kernel entry means nothing is reserved now", () => {
    expect(facts({ iomem: "00100000-bffd9fff : System RAM\n", dmesg: dmesg2004 }).reservation).toMatchObject({
      noneSeen: true,
      reservedSeen: false,
      bytes: 0,
    });
  });

  test("kdump-config's crashkernel addr is used when nothing else is readable", () => {
    const f = facts({ kdump_config_show: show2404 });
    expect(f.reservation).toMatchObject({ reservedSeen: true, indirect: false, bytes: null });
    expect(f.reservation.regions[0]).toMatchObject({ start: 0x69000000, source: "kdump_config_show" });
  });
});

describe("buildFacts: kdump", () => {
  test("kexec_crash_loaded wins over kdump-config's state line", () => {
    const f = facts({ kdump_config_show: show2404, kexec_crash_loaded: "0\n" });
    expect(f.kdump.state).toBe("not_ready");
    expect(f.kdump.stateEvidence[0]).toEqual({ source: "kexec_crash_loaded", text: "0" });
  });

  test("reads the suggested size, links and the historical kexec command of kdump-config show", () => {
    const f = facts({ kdump_config_show: show2404 });
    expect(f.kdump).toMatchObject({
      tool: "kdump-tools",
      installed: true,
      suggestedBytes: 371 * MiB,
      linksShown: true,
      kexecUsesFileLoad: false,
      state: "ready",
    });
    expect(f.kdump.kernelLink).toMatchObject({ version: "6.8.0-1027-aws", broken: false });
  });

  test("USE_KDUMP=0 with its stderr message reads as disabled", () => {
    const f = facts({ kdump_config_show: show1404Off });
    expect(f.kdump.enabled).toBe(false);
    expect(f.kdump.useKdump).toBe("0");
    expect(f.kdump.enabledEvidence.map((e) => e.text)).toContain(
      " * /etc/default/kdump-tools: USE_KDUMP is not set or zero",
    );
  });

  test("kdumpctl status and estimate fill the EL side", () => {
    const f = facts({ kdumpctl_status: statusNotice, kdumpctl_estimate: estimate });
    expect(f.kdump).toMatchObject({
      tool: "kdumpctl",
      enabled: true,
      state: "ready",
      suggestedBytes: 256 * MiB,
    });
    expect(f.kdump.lastTest).toMatchObject({ result: "success", date: "2025-03-14 09:12:55" });
  });

  test("trap 11: Debian's split '... failed!' journal lines are a failed load", () => {
    const f = facts({ kdump_service_journal: journalDebianSplit });
    expect(f.service.read).toBe(true);
    expect(f.service.lastLoad).toBe("failed");
  });
});

describe("buildFacts: other groups", () => {
  test("lockdown and Secure Boot from boot lines when the lockdown file is missing", () => {
    const f = facts({ dmesg: dmesgSecureBoot });
    expect(f.security).toMatchObject({ lockdown: null, lockdownActive: true, secureBoot: true });
  });

  test("sysrq_always_enabled on the command line makes keyboard crash available", () => {
    const f = facts({
      cmdline: "ro sysrq_always_enabled crashkernel=256M\n",
      "sysctl.kernel.sysrq": "176\n",
    });
    expect(f.sysrq).toMatchObject({ value: 176, keyboardCrash: true });
  });

  test("the GRUB drop-in's crashkernel= is the configured value, with its file", () => {
    const f = facts({ etc_default_grub: grubUbuntu, etc_default_grub_d: grubD2204 });
    expect(f.configuredCrashkernel).toMatchObject({
      read: true,
      value: "512M-:192M",
      file: "/etc/default/grub.d/kdump-tools.cfg",
    });
    expect(f.configuredCrashkernel.evidence[0]?.source).toBe("etc_default_grub_d");
  });

  test("remote dump targets come from kdump-config show", () => {
    expect(facts({ kdump_config_show: showRemote }).dumpTarget.remote).toEqual({
      kind: "nfs",
      target: "nfs01.example.net:/export/crash",
    });
  });

  test("dump listings become entries, newest first", () => {
    const f = facts({ dump_dir_listing: listingTwoDumps });
    expect(f.dumps.entries.map((d) => [d.stamp, d.complete])).toEqual([
      ["201808021553", true],
      ["201808021451", null],
    ]);
    expect(f.dumps.newestStamp).toBe("201808021553");
    expect(facts({ dump_dir_listing: listingDoc2026 }).dumps.entries[0]?.sizeBytes).toBe(51753823);
  });

  test("collection lists every source state and keeps absent ones apart", () => {
    const f = facts({
      cmdline: "ro\n",
      dmesg: { ok: true, text: "x\n", truncated: true },
      iomem: { ok: false, error: "permission" },
      kdumpctl_status: { ok: false, error: "not-found" },
      kdump_config_show: { ok: false, error: "timeout", detail: "after 5 s" },
    });
    expect(f.collection).toMatchObject({
      truncated: ["dmesg"],
      permission: ["iomem"],
      timeout: ["kdump_config_show"],
      missing: ["kdumpctl_status"],
    });
    expect(f.collection.sources.meminfo).toBe("absent");
    // unread and cut sources are named in the lists above; none becomes an invented evidence line
    expect(f.collection.evidence).toEqual([]);
  });

  test("a malformed snapshot object does not throw", () => {
    const f = buildFacts({ sources: null, collectedAt: 42 } as unknown as Snapshot);
    expect(f.crashkernel.cmdlineRead).toBe(false);
    expect(f.collection.sources.cmdline).toBe("absent");
  });
});
