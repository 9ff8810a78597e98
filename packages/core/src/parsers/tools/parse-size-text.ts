/** Sizes as tools print them: `371M`, `256MB`, `192 M`, `1G`, `134217728` (bytes). Binary units. */
import { type ByteCount, toByteCount } from "../../byte-count.ts";

const UNIT: Record<string, bigint> = {
  "": 1n,
  B: 1n,
  K: 1n << 10n,
  M: 1n << 20n,
  G: 1n << 30n,
  T: 1n << 40n,
};

/**
 * Converts a tool-printed size to bytes, or null when it is not a size. `K/M/G/T` (optionally
 * followed by `B` or `iB`, any case) are powers of 1024, as in kdump-tools and kdumpctl output.
 * Exact in integers (a fraction rounds half up to a whole byte), so a size at or above 2^53 stays
 * exact (byte-count.ts); null above the kernel's 2^64 − 1. This is NOT the kernel's memparse
 * (domain.md §1.4): use the kernel-side crashkernel parser for command-line values.
 */
export function parseSizeText(text: string): ByteCount | null {
  const m = /^\s*(\d{1,30})(?:\.(\d{1,20}))?\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = UNIT[(m[3] ?? "").toUpperCase()];
  if (unit === undefined) return null;
  const fraction = m[2] ?? "";
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(m[1]!) * scale + BigInt(fraction === "" ? "0" : fraction)) * unit;
  return toByteCount((scaled * 2n + scale) / (2n * scale));
}
