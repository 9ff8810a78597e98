import { type ByteCount, toByteCount } from "../../byte-count.ts";
import {
  CMA,
  COMMAND_LINE,
  FADUMP,
  FAILURES,
  GENERIC,
  hex,
  LEGACY,
  LOCKDOWN_RESTRICTED,
  LOCKED_DOWN,
  MB,
  MEMORY,
  MENTIONS_KEXEC,
  PANIC,
  PARSER,
  RAM_RANGE,
  SECURE_BOOT,
  SYSRQ,
} from "./dmesg-formats.ts";
import type { DmesgLine, DmesgReport } from "./dmesg-report.ts";

// Classifies one kernel log message into the dmesg report (the formats live in dmesg-formats.ts).

/** An exact byte count, null beyond the kernel's 64 bits (such a line is not what a kernel printed). */
function bytes(v: bigint): ByteCount | null {
  return toByteCount(v);
}

/** A report with nothing found yet. */
export function emptyDmesgReport(): DmesgReport {
  return {
    kernelRelease: null,
    kernelReleaseLine: null,
    commandLine: null,
    reservations: [],
    failures: [],
    parserMessages: [],
    systemRam: null,
    memoryTotal: null,
    ramTop: null,
    lockdown: [],
    sysrq: [],
    panics: [],
    kdumpLoaded: [],
    kexecMessages: [],
    unrecognized: [],
    earlierBoots: 0,
    lineCount: 0,
  };
}

/** Reads one message into the report; returns false when no known format matched. */
export function readDmesgMessage(
  r: DmesgReport,
  at: DmesgLine,
  message: string,
  prFmt: string | null,
  body: string,
): boolean {
  let m = LEGACY.exec(body);
  if (m) {
    const low = m[2] !== undefined;
    const size = bytes(BigInt(m[1] as string) * MB);
    const base = BigInt(m[3] as string) * MB;
    const ram = m[4] === "System RAM" ? bytes(BigInt(m[5] as string) * MB) : null;
    if (size === null) return false;
    r.reservations.push({
      ...at,
      region: low ? "low" : "main",
      format: "legacy",
      baseBytes: bytes(base),
      sizeBytes: size,
      endBytes: bytes(base + BigInt(size)),
      systemRamBytes: ram,
      ranges: null,
      prFmt,
      cancelledBy: null,
    });
    if (ram !== null) r.systemRam = { ...at, megabytes: Number(m[5]), bytes: ram };
    return true;
  }
  m = GENERIC.exec(body);
  if (m) {
    const base = hex(m[2]);
    const end = hex(m[3]);
    r.reservations.push({
      ...at,
      region: m[1] === undefined ? "main" : "low",
      format: "generic",
      baseBytes: bytes(base),
      sizeBytes: end > base ? (bytes(end - base) ?? 0) : 0,
      endBytes: bytes(end),
      systemRamBytes: null,
      ranges: null,
      prFmt,
      cancelledBy: null,
    });
    return true;
  }
  m = CMA.exec(body);
  if (m) {
    r.reservations.push({
      ...at,
      region: "cma",
      format: "cma",
      baseBytes: null,
      sizeBytes: bytes(BigInt(m[1] as string) * MB) ?? 0,
      endBytes: null,
      systemRamBytes: null,
      ranges: Number(m[2]),
      prFmt,
      cancelledBy: null,
    });
    return true;
  }
  m = FADUMP.exec(body);
  if (m) {
    const base = hex(m[2]);
    const size = BigInt(m[1] as string) * MB;
    const ram = bytes(BigInt(m[3] as string) * MB);
    r.reservations.push({
      ...at,
      region: "fadump",
      format: "fadump",
      baseBytes: bytes(base),
      sizeBytes: bytes(size) ?? 0,
      endBytes: bytes(base + size),
      systemRamBytes: ram,
      ranges: null,
      prFmt,
      cancelledBy: null,
    });
    if (ram !== null) r.systemRam ??= { ...at, megabytes: Number(m[3]), bytes: ram };
    return true;
  }
  for (const [re, code] of PARSER) {
    const p = re.exec(body);
    if (p) {
      r.parserMessages.push({ ...at, code, char: code === "unrecognized-char" ? (p[1] ?? "") : null });
      return true;
    }
  }
  for (const [re, code, region, unit] of FAILURES) {
    const f = re.exec(body);
    if (!f) continue;
    const g = f[1];
    let size: ByteCount | null = null;
    if (g !== undefined && unit !== null)
      size = bytes(unit === "hex" ? hex(g) : BigInt(g) * (unit === "mb" ? MB : 1024n));
    r.failures.push({ ...at, code, region, sizeBytes: size });
    if (code === "ppc-cancelled") {
      const undone = r.reservations.findLast(
        (x) => x.format === "legacy" && x.region === "main" && !x.cancelledBy,
      );
      if (undone) undone.cancelledBy = at;
    }
    return true;
  }
  m = LOCKDOWN_RESTRICTED.exec(message);
  if (m) {
    const what = m[2] ?? "";
    r.lockdown.push({ ...at, kind: "restricted", detail: what, kexec: /kexec/i.test(what) });
    return true;
  }
  m = LOCKED_DOWN.exec(message);
  if (m) {
    r.lockdown.push({ ...at, kind: "locked-down", detail: (m[1] ?? "").trim(), kexec: false });
    return true;
  }
  m = SECURE_BOOT.exec(message);
  if (m) {
    r.lockdown.push({ ...at, kind: "secure-boot", detail: (m[1] ?? "").toLowerCase(), kexec: false });
    return true;
  }
  m = COMMAND_LINE.exec(message);
  if (m) {
    r.commandLine = { ...at, cmdline: m[1] ?? "" };
    return true;
  }
  m = MEMORY.exec(message);
  if (m) {
    const total = bytes(BigInt(m[2] as string) * 1024n);
    if (total !== null) r.memoryTotal = { ...at, bytes: total };
    return true;
  }
  m = RAM_RANGE.exec(message);
  if (m) {
    const top = bytes(hex(m[2]) + 1n);
    if (top !== null && (r.ramTop === null || BigInt(top) > BigInt(r.ramTop.bytes)))
      r.ramTop = { ...at, bytes: top };
    return true;
  }
  m = SYSRQ.exec(message);
  if (m) {
    const action = m[1] ?? "";
    r.sysrq.push({
      ...at,
      action,
      crash: /Trigger a crash/i.test(action),
      disabled: /operation is disabled/i.test(action),
    });
    return true;
  }
  m = PANIC.exec(message);
  if (m) {
    r.panics.push({ ...at, reason: m[1] ?? "" });
    return true;
  }
  let known = false;
  if (message.includes("Kdump: loaded")) {
    r.kdumpLoaded.push(at);
    known = true;
  }
  if (!known && MENTIONS_KEXEC.test(message)) {
    r.kexecMessages.push(at);
    known = true;
  }
  return known;
}
