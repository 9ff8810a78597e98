import { describe, expect, test } from "vitest";
import type { Snapshot, SourceId } from "../sources.ts";
import { buildFacts } from "./build-facts.ts";

const MiB = 1024 * 1024;

function facts(sources: Partial<Record<SourceId, string>>) {
  const out: Snapshot["sources"] = {};
  for (const [id, text] of Object.entries(sources) as [SourceId, string][]) out[id] = { ok: true, text };
  return buildFacts({ sources: out, collectedAt: "2025-01-01T00:00:00Z" });
}

const UNAME_515 =
  "Linux vm 5.15.0-69-generic #76-Ubuntu SMP Fri Mar 17 17:19:29 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux";
const UNAME_68 =
  "Linux vm 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux";
const IOMEM_2G =
  "00001000-0009fbff : System RAM\n00100000-7ffdbfff : System RAM\n  5f000000-7effffff : Crash kernel\n";
const IOMEM_16G = "00100000-bffd9fff : System RAM\n100000000-43fffffff : System RAM\n";

describe("buildCrashkernel: the host's memory layout decides the low region", () => {
  test("crashkernel=512M,high on a 2 GiB VM is reserved below 4 GiB without a low region", () => {
    const f = facts({ cmdline: "ro crashkernel=512M,high", uname: UNAME_515, iomem: IOMEM_2G });
    expect(f.crashkernel).toMatchObject({
      kind: "high",
      expectedBytes: 512 * MiB,
      expectedMaxBytes: 512 * MiB,
      lowBytes: 256 * MiB,
      placement: "below-4g",
      uncertain: false,
    });
  });

  test("with RAM above 4 GiB (iomem) the same value brings the 256 MiB low region", () => {
    const f = facts({ cmdline: "ro crashkernel=512M,high", uname: UNAME_68, iomem: IOMEM_16G });
    expect(f.crashkernel).toMatchObject({ expectedBytes: 768 * MiB, placement: "above-4g" });
  });

  test("without root (zeroed iomem) the boot memory map in the log answers, and is cited", () => {
    const dmesg = [
      "[    0.000000] Linux version 6.8.0-45-generic (buildd@lcy02-amd64-115) #45-Ubuntu SMP",
      "[    0.000000]   node   0: [mem 0x0000000000100000-0x00000000bffd9fff]",
      "[    0.000000]   node   0: [mem 0x0000000100000000-0x000000013fffffff]",
    ].join("\n");
    const f = facts({
      cmdline: "ro crashkernel=512M,high",
      uname: UNAME_68,
      dmesg,
      meminfo: "MemTotal: 3900000 kB\n",
    });
    expect(f.crashkernel).toMatchObject({ expectedBytes: 768 * MiB, placement: "above-4g" });
    expect(f.crashkernel.evidence.map((e) => e.text)).toContain(
      "[    0.000000]   node   0: [mem 0x0000000100000000-0x000000013fffffff]",
    );
  });

  test("a fixed @offset above 4 GiB on a v5.15 kernel also reserves the default low region", () => {
    const f = facts({ cmdline: "ro crashkernel=512M@6G", uname: UNAME_515, iomem: IOMEM_16G });
    expect(f.crashkernel).toMatchObject({ expectedBytes: 768 * MiB, fallbackLowBytes: 256 * MiB });
    const generic = facts({ cmdline: "ro crashkernel=512M@6G", uname: UNAME_68, iomem: IOMEM_16G });
    expect(generic.crashkernel).toMatchObject({ expectedBytes: 512 * MiB, fallbackLowBytes: 0 });
  });
});

describe("sizes at or above 2^53 stay exact in the facts", () => {
  test("kexec_crash_size and crashkernel= beyond 2^53 are decimal strings, exact to the byte", () => {
    const f = facts({
      cmdline: "ro crashkernel=9007199254740993",
      uname: UNAME_68,
      kexec_crash_size: "9007199254740993\n",
    });
    expect(f.reservation.bytes).toBe("9007199254740993");
    expect(JSON.parse(JSON.stringify(f)).reservation.bytes).toBe("9007199254740993");
    expect(f.crashkernel.mainBytes, "RAM unknown: the value as the kernel parses it").toBe(
      "9007199254740993",
    );
    // with RAM known, 2^53 + 1 bytes is more than RAM: recognised and rejected, not rounded
    const sized = facts({ cmdline: "ro crashkernel=9007199254740993", uname: UNAME_68, iomem: IOMEM_16G });
    expect(sized.crashkernel.problems).toContain("exceeds-ram");
  });

  test("a range value's sizes and the compared RAM keep full precision", () => {
    const f = facts({
      cmdline: "ro crashkernel=1G-9P:192M,9P-:256M",
      uname: UNAME_68,
      kexec_crash_size: "201326592\n",
      iomem: IOMEM_16G,
    });
    expect(f.crashkernel.expectedBytes).toBe(192 * MiB);
    expect(f.memory.systemRamBytes).toBe(0x43fffffff + 1 - 0x100000000 + (0xbffd9fff + 1 - 0x100000));
  });
});
