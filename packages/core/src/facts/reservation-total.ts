/**
 * How much is reserved for the capture kernel, from the most current source there is:
 * kexec_crash_size, then /proc/iomem, then kdump-config's `crashkernel addr:`, then the boot log;
 * in fadump mode the firmware's own count (domain §2.3, trap 14). Part of buildReservation.
 */
import { type ByteCount, compareByteCounts, sumByteCounts } from "../byte-count.ts";
import type { DmesgReport, DmesgReservation, IomemReport } from "../parsers/kernel/index.ts";
import type { CrashkernelAddr, KdumpConfigShow, KdumpServiceJournal } from "../parsers/tools/index.ts";
import type { Evidence, ReservedRegion } from "./host-facts.ts";
import { ev } from "./source-context.ts";

/** The sources the reservation is read from, parsed once. */
export interface ReservationInputs {
  fadump: boolean;
  crashSize: { value: ByteCount | null; text: string | null };
  fadumpBytes: { value: ByteCount | null; text: string | null };
  iomem: IomemReport | null;
  dmesg: DmesgReport | null;
  show: KdumpConfigShow | null;
  journal: KdumpServiceJournal | null;
  /** the boot log's reservations still in force, for the mode the host is in */
  bootMain: DmesgReservation[];
  /** `crashkernel addr:` of kdump-config (never in fadump mode) */
  addr: CrashkernelAddr | null;
}

/** Where the regions sit, as exactly as the sources say. */
export interface Located {
  regions: ReservedRegion[];
  indirect: boolean;
  evidence: Evidence[];
}

function sumBytes(regions: readonly ReservedRegion[]): ByteCount | null {
  if (regions.length === 0) return null;
  return sumByteCounts(regions.map((r) => r.bytes));
}

/** The totals: how much is reserved, and whether a reservation (or its absence) was seen. */
export interface Totals {
  bytes: ByteCount | null;
  regions: ReservedRegion[];
  indirect: boolean;
  reservedSeen: boolean;
  noneSeen: boolean;
  /** the line the total rests on, placed first (kexec_crash_size) or last (fadump) */
  first: Evidence[];
  last: Evidence[];
}

/** The total, from the most current source there is (fadump's own count in fadump mode). */
export function totalReserved(
  inputs: ReservationInputs,
  located: Located,
  dmesgHasBootLines: boolean,
): Totals {
  const { regions, indirect } = located;
  const none = { first: [], last: [] };
  if (inputs.fadump) return fadumpTotal(inputs, located, dmesgHasBootLines);
  const { crashSize, iomem, addr } = inputs;
  if (crashSize.value !== null) {
    let bytes: ByteCount | null = crashSize.value;
    const main = sumBytes(regions.filter((r) => r.kind === "main"));
    const low = sumBytes(regions.filter((r) => r.kind === "low"));
    if (bytes !== 0 && main !== null && low !== null && low !== 0 && compareByteCounts(bytes, main) === 0)
      bytes = sumByteCounts([bytes, low]);
    return {
      bytes,
      // 0 = nothing now; and kexec_crash_size is exact even when iomem was zeroed
      regions: bytes === 0 ? [] : regions,
      indirect: false,
      reservedSeen: bytes !== 0,
      noneSeen: bytes === 0,
      first: [ev("kexec_crash_size", crashSize.text ?? String(crashSize.value))],
      last: [],
    };
  }
  if (iomem !== null && !iomem.zeroed) {
    // /proc/iomem is the current truth; a boot-log reservation it no longer lists was released
    const reservedSeen = (iomem.crashKernel ?? []).length > 0;
    return {
      bytes: reservedSeen ? (iomem.crashKernelBytes ?? sumBytes(regions)) : 0,
      regions: reservedSeen ? regions : [],
      indirect,
      reservedSeen,
      noneSeen: !reservedSeen,
      ...none,
    };
  }
  if (addr) {
    const noneSeen = addr.state === "empty";
    return {
      bytes: noneSeen ? 0 : sumBytes(regions),
      regions,
      indirect,
      reservedSeen: !noneSeen,
      noneSeen,
      ...none,
    };
  }
  return {
    bytes: sumBytes(regions),
    regions,
    indirect,
    reservedSeen: regions.length > 0,
    noneSeen: regions.length === 0 && dmesgHasBootLines,
    ...none,
  };
}

/** fadump reserves through firmware: fadump/mem_reserved, else the boot log's `fadump: Reserved`. */
function fadumpTotal(
  { fadumpBytes, bootMain }: ReservationInputs,
  located: Located,
  dmesgHasBootLines: boolean,
): Totals {
  const fromLog = bootMain.find((r) => r.region === "fadump")?.sizeBytes ?? null;
  const bytes = fadumpBytes.value ?? fromLog;
  const regions: ReservedRegion[] =
    located.regions.length === 0 && bytes !== null && bytes !== 0
      ? [
          {
            kind: "fadump",
            start: null,
            end: null,
            bytes,
            source: fadumpBytes.value !== null ? "fadump_mem_reserved" : "dmesg",
          },
        ]
      : located.regions;
  return {
    bytes,
    regions,
    indirect: located.indirect,
    reservedSeen: bytes !== null && bytes !== 0,
    noneSeen: bytes === 0 || (bytes === null && dmesgHasBootLines && bootMain.length === 0),
    first: [],
    last: fadumpBytes.text !== null ? [ev("fadump_mem_reserved", fadumpBytes.text)] : [],
  };
}
