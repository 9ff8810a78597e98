import { bestSystemRam, parseDmesg, parseIomem, parseMeminfo } from "../parsers/kernel/index.ts";
import type { Evidence, MemoryFacts } from "./host-facts.ts";
import { ev, type SourceContext } from "./source-context.ts";

/**
 * RAM as the kernel counts it for crashkernel= ranges (domain §1.6): dmesg `System RAM:` >
 * /proc/iomem System RAM sum (root only) > dmesg `Memory:` total > MemTotal.
 */
export function buildMemory(ctx: SourceContext): MemoryFacts {
  const dmesg = ctx.parse("dmesg", parseDmesg);
  const iomem = ctx.parse("iomem", parseIomem);
  const meminfo = ctx.parse("meminfo", parseMeminfo);
  const best = bestSystemRam({ dmesg, iomem, meminfo });
  const evidence: Evidence[] = [];
  if (best.source === "dmesg" && dmesg?.systemRam) evidence.push(ev("dmesg", dmesg.systemRam.text));
  if (best.source === "dmesg-memory" && dmesg?.memoryTotal)
    evidence.push(ev("dmesg", dmesg.memoryTotal.text));
  if (best.source === "iomem") {
    const ram = ctx
      .text("iomem")
      ?.split(/\r\n|\r|\n/)
      .filter((l) => /^[0-9a-fA-F]+-[0-9a-fA-F]+ : System RAM$/.test(l));
    for (const line of ram ?? []) evidence.push(ev("iomem", line));
  }
  const memTotalLine = ctx
    .text("meminfo")
    ?.split(/\r\n|\r|\n/)
    .find((l) => l.startsWith("MemTotal:"));
  if (memTotalLine !== undefined && (best.source === "meminfo" || evidence.length === 0)) {
    evidence.push(ev("meminfo", memTotalLine));
  }
  return {
    systemRamBytes: best.bytes,
    systemRamSource: best.source,
    memTotalBytes: meminfo?.memTotalBytes ?? null,
    evidence,
  };
}
