/**
 * Pure display helpers: sizes, counts, shares, absolute and relative times. No DOM, no state, so
 * each is a table-tested function (format.test.ts).
 */

import { type ByteCount, byteCountToBigInt, isByteCount } from "@kdumpwatch/core";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;
const DASH = "—";

/** The exact value of a byte count from the API (a number below 2^53, a decimal string above). */
function exact(bytes: ByteCount | number | null | undefined): bigint | null {
  if (typeof bytes === "number")
    return Number.isFinite(bytes) && bytes >= 0 ? BigInt(Math.round(bytes)) : null;
  return isByteCount(bytes) ? byteCountToBigInt(bytes) : null;
}

/**
 * Binary sizes the way kdump people read them: `512 MiB`, `7.8 GiB`, `16 GiB`, up to EiB (the
 * kernel's 64-bit counts reach 16 EiB). Rounded for reading; `formatExactBytes` gives every byte.
 */
export function formatBytes(bytes: ByteCount | number | null | undefined): string {
  if (exact(bytes) === null) return DASH;
  // a decimal string is 2^53 or more: its nearest double is plenty for a rounded reading
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value >= 10 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10;
  // 1023.96 MiB rounds to 1024: show it as 1 GiB rather than "1024 MiB"
  if (rounded === 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${rounded} ${UNITS[unit]}`;
}

/** Every byte, with separators: `9,007,199,254,740,993 bytes` (for a title or an export). */
export function formatExactBytes(bytes: ByteCount | number | null | undefined): string {
  const whole = exact(bytes);
  return whole === null ? DASH : `${whole.toLocaleString("en-US")} bytes`;
}

/** Thousands separators independent of the viewer's locale, so screenshots and tests agree. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Whole-percent share; "—" when there is nothing to divide. Never shows 100% unless all are. */
export function formatShare(part: number, total: number): string {
  if (total <= 0) return DASH;
  const pct = (part / total) * 100;
  if (part < total && pct > 99) return `${Math.floor(pct * 10) / 10}%`;
  if (part > 0 && pct < 1) return "<1%";
  return `${Math.round(pct)}%`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "4 min ago", "3 h ago", "12 d ago"; a time in the future reads "in 2 min". */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const diff = now - t;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 45_000) return "just now";
  if (abs < HOUR) text = `${Math.round(abs / MINUTE)} min`;
  else if (abs < DAY) text = `${Math.round(abs / HOUR)} h`;
  else if (abs < 60 * DAY) text = `${Math.round(abs / DAY)} d`;
  else text = `${Math.round(abs / (30 * DAY))} mo`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Local date and time to the minute, ISO-like so it sorts and reads the same everywhere. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A value a host did not report reads as a dash, never as "null" or an empty cell. */
export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === "" ? DASH : value;
}
