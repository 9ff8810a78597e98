import { byteCountToBigInt, sumByteCounts, toByteCount } from "../byte-count.ts";
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
import { type Located, type ReservationInputs, totalReserved } from "./reservation-total.ts";
import { ev, type SourceContext } from "./source-context.ts";

const FOUR_GIB = 4 * 1024 * 1024 * 1024;

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
  const inputs = readInputs(ctx, kdump);
  const boot = bootLogLines(inputs);
  const located = locateRegions(inputs);
  const totals = totalReserved(inputs, located, boot.dmesgHasBootLines);
  const indirect =
    totals.indirect ||
    (totals.reservedSeen &&
      totals.regions.length > 0 &&
      totals.regions.every((r) => r.bytes === null && r.start === null) &&
      totals.bytes === null);
  return {
    bytes: totals.bytes,
    regions: totals.regions,
    indirect,
    reservedSeen: totals.reservedSeen,
    noneSeen: totals.noneSeen,
    failures: boot.failures,
    dmesgHasBootLines: boot.dmesgHasBootLines,
    evidence: [...totals.first, ...boot.evidence, ...located.evidence, ...totals.last],
  };
}

function readInputs(ctx: SourceContext, kdump: KdumpFacts): ReservationInputs {
  const fadump = kdump.mode === "fadump";
  const dmesg = ctx.parse("dmesg", parseDmesg);
  const show = ctx.parse("kdump_config_show", parseKdumpConfigShow);
  const booted = (dmesg?.reservations ?? []).filter((r) => r.cancelledBy === null);
  return {
    fadump,
    crashSize: readValue(ctx, "kexec_crash_size", parseKexecCrashSize, (v) => v.bytes),
    fadumpBytes: readValue(ctx, "fadump_mem_reserved", parseFadumpMemReserved, (v) => v.bytes),
    iomem: ctx.parse("iomem", parseIomem),
    dmesg,
    show,
    journal: ctx.parse("kdump_service_journal", parseKdumpServiceJournal),
    bootMain: booted.filter((r) =>
      fadump ? r.region === "fadump" : r.region === "main" || r.region === "low",
    ),
    addr: fadump ? null : (show?.crashkernelAddr ?? null),
  };
}

/** The boot log's reservation lines, and every line that says a reservation failed. */
function bootLogLines({ fadump, dmesg, journal, show }: ReservationInputs): {
  evidence: Evidence[];
  failures: Evidence[];
  dmesgHasBootLines: boolean;
} {
  const evidence: Evidence[] = [];
  const failures: Evidence[] = [];
  for (const r of dmesg?.reservations ?? []) {
    if (r.cancelledBy === null && (r.region !== "cma" || !fadump)) evidence.push(ev("dmesg", r.text));
  }
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
  return { evidence, failures, dmesgHasBootLines };
}

/** The regions: iomem (exact) > dmesg (exact, but boot-time) > kdump-config addresses (start only). */
function locateRegions({ fadump, iomem, bootMain, addr }: ReservationInputs): Located {
  const evidence: Evidence[] = [];
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
  return { regions, indirect, evidence };
}
