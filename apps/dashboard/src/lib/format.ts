/**
 * Pure display helpers: sizes, counts, shares, absolute and relative times. No DOM, no state, so
 * each is a table-tested function (format.test.ts).
 */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;
const DASH = "—";

/** Binary sizes the way kdump people read them: `512 MiB`, `7.8 GiB`, `16 GiB`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return DASH;
  let value = bytes;
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
