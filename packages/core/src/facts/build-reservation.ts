import {
  type ByteCount,
  byteCountToBigInt,
  compareByteCounts,
  sumByteCounts,
  toByteCount,
} from "../byte-count.ts";
import {
  type DmesgReservation,
  parseDmesg,
  parseFadumpMemReserved,
  parseIomem,
  parseKexecCrashSize,
} from "../parsers/kernel/index.ts";
import { parseKdumpConfigShow, parseKdumpServiceJournal } from "../parsers/tools/index.ts";
import type { Evidence, KdumpFacts, ReservationFacts, ReservedRegion } from "./host-facts.ts";
import { readValue } from "./read-value.ts";
import { ev, type SourceContext } from "./source-context.ts";

const FOUR_GIB = 4 * 1024 * 1024 * 1024;

function sumBytes(regions: readonly ReservedRegion[]): ByteCount | null {
  if (regions.length === 0) return null;
  return sumByteCounts(regions.map((r) => r.bytes));
}

function fromDmesg(r: DmesgReservation): ReservedRegion {
  return {
    kind: r.region,
    start: r.baseBytes,
    end: r.endBytes ?? (r.baseBytes !== null ? sumByteCounts([r.baseBytes, r.sizeBytes]) : null),
    bytes: r.sizeBytes,
    source: "dmesg",
  };
}

/**
 * What is reserved for the capture kernel now. Sources, most current first (domain §2.3, R04):
 * /sys/kernel/kexec_crash_size (0 = nothing, even if the boot log reserved something: it can be
 * shrunk at runtime); /proc/iomem `Crash kernel` lines (inclusive ends made exclusive, trap 7;
 * zeroed without root, trap 10); `crashkernel addr:` of kdump-config (one address per region,
 * trap 6); the boot log's success and failure lines (traps 8, 9). fadump reserves through firmware:
 * fadump/mem_reserved and the `fadump: Reserved` line, and kexec_crash_size stays 0 (trap 14).
 * kexec_crash_size counts the low region only on newer kernels: when it equals the main region
 * alone, the low region is added.
 */
export function buildReservation(ctx: SourceContext, kdump: KdumpFacts): ReservationFacts {
  const fadump = kdump.mode === "fadump";
  const crashSize = readValue(ctx, "kexec_crash_size", parseKexecCrashSize, (v) => v.bytes);
  const fadumpBytes = readValue(ctx, "fadump_mem_reserved", parseFadumpMemReserved, (v) => v.bytes);
  const iomem = ctx.parse("iomem", parseIomem);
  const dmesg = ctx.parse("dmesg", parseDmesg);
  const show = ctx.parse("kdump_config_show", parseKdumpConfigShow);
  const journal = ctx.parse("kdump_service_journal", parseKdumpServiceJournal);
  const evidence: Evidence[] = [];
  const failures: Evidence[] = [];

  // --- boot log
  const booted = (dmesg?.reservations ?? []).filter((r) => r.cancelledBy === null);
  const bootMain = booted.filter((r) =>
    fadump ? r.region === "fadump" : r.region === "main" || r.region === "low",
  );
  for (const r of booted) if (r.region !== "cma" || !fadump) evidence.push(ev("dmesg", r.text));
  for (const f of dmesg?.failures ?? []) failures.push(ev("dmesg", f.text));
  for (const r of dmesg?.reservations ?? [])
    if (r.cancelledBy) failures.push(ev("dmesg", r.cancelledBy.text));
  for (const m of dmesg?.parserMessages ?? []) failures.push(ev("dmesg", m.text));
  for (const f of journal?.findings ?? []) {
    if (f.code === "memory-not-reserved") failures.push(ev("kdump_service_journal", f.text));
  }
  for (const m of show?.messages ?? []) {
    if (m.code === "memory-not-reserved" || m.code === "no-crashkernel-param")
      failures.push(ev("kdump_config_show", m.text));
  }
  const dmesgHasBootLines =
    dmesg !== null && (dmesg.commandLine !== null || dmesg.kernelReleaseLine !== null);

  // --- regions: iomem (exact) > dmesg (exact, but boot-time) > kdump-config addresses (start only)
  let regions: ReservedRegion[] = [];
  let indirect = false;
  const iomemCrash = iomem?.crashKernel ?? [];
  if (!fadump && iomemCrash.length > 0) {
    for (const r of iomemCrash) evidence.push(ev("iomem", r.text));
    regions = iomemCrash.map((r) => ({
      kind: r.low ? "low" : "main",
      start: iomem?.zeroed ? null : r.startBytes,
      end: iomem?.zeroed || r.endBytes === null ? null : toByteCount(byteCountToBigInt(r.endBytes) + 1n),
      bytes: iomem?.zeroed ? null : r.sizeBytes,
      source: "iomem",
    }));
    indirect = iomem?.zeroed === true;
  }
  if ((regions.length === 0 || indirect) && bootMain.length > 0) {
    regions = bootMain.map(fromDmesg);
    indirect = false;
  }
  const addr = fadump ? null : (show?.crashkernelAddr ?? null);
  if (addr)
    evidence.push(
      ev("kdump_config_show", addr.text),
      ...addr.addresses.slice(1).map((a) => ev("kdump_config_show", a.text)),
    );
  if (regions.length === 0 && addr && addr.state !== "empty") {
    const starts = addr.addresses.map((a) => a.start);
    const anyHigh = starts.some((s) => s !== null && s >= FOUR_GIB);
    regions = addr.addresses.map((a) => ({
      kind: anyHigh && a.start !== null && a.start < FOUR_GIB ? "low" : "main",
      start: toByteCount(a.start),
      end: null,
      bytes: null,
      source: "kdump_config_show",
    }));
    indirect = addr.state === "zeroed";
  }

  // --- total bytes and the verdict inputs
  let bytes: ByteCount | null = null;
  let reservedSeen = false;
  let noneSeen = false;
  if (fadump) {
    if (fadumpBytes.text !== null) evidence.push(ev("fadump_mem_reserved", fadumpBytes.text));
    const fromLog = bootMain.find((r) => r.region === "fadump")?.sizeBytes ?? null;
    bytes = fadumpBytes.value ?? fromLog;
    if (fadumpBytes.value === null && fromLog === null) bytes = null;
    if (regions.length === 0 && bytes !== null && bytes !== 0) {
      regions = [
        {
          kind: "fadump",
          start: null,
          end: null,
          bytes,
          source: fadumpBytes.value !== null ? "fadump_mem_reserved" : "dmesg",
        },
      ];
    }
    reservedSeen = bytes !== null && bytes !== 0;
    noneSeen = bytes === 0 || (bytes === null && dmesgHasBootLines && bootMain.length === 0);
  } else if (crashSize.value !== null) {
    evidence.unshift(ev("kexec_crash_size", crashSize.text ?? String(crashSize.value)));
    bytes = crashSize.value;
    const main = sumBytes(regions.filter((r) => r.kind === "main"));
    const low = sumBytes(regions.filter((r) => r.kind === "low"));
    if (bytes !== 0 && main !== null && low !== null && low !== 0 && compareByteCounts(bytes, main) === 0)
      bytes = sumByteCounts([bytes, low]);
    reservedSeen = bytes !== 0;
    noneSeen = bytes === 0;
    if (bytes === 0) {
      regions = [];
      indirect = false;
    } else if (indirect) {
      indirect = false; // kexec_crash_size is exact even when iomem was zeroed
    }
  } else if (iomem !== null && !iomem.zeroed) {
    // /proc/iomem is the current truth; a boot-log reservation it no longer lists was released
    reservedSeen = iomemCrash.length > 0;
    noneSeen = !reservedSeen;
    if (noneSeen) regions = [];
    bytes = noneSeen ? 0 : (iomem.crashKernelBytes ?? sumBytes(regions));
  } else if (addr) {
    reservedSeen = addr.state !== "empty";
    noneSeen = addr.state === "empty";
    bytes = noneSeen ? 0 : sumBytes(regions);
  } else {
    bytes = sumBytes(regions);
    reservedSeen = regions.length > 0;
    noneSeen = regions.length === 0 && dmesgHasBootLines;
  }
  if (
    reservedSeen &&
    regions.length > 0 &&
    regions.every((r) => r.bytes === null && r.start === null) &&
    bytes === null
  ) {
    indirect = true;
  }
  return { bytes, regions, indirect, reservedSeen, noneSeen, failures, dmesgHasBootLines, evidence };
}
