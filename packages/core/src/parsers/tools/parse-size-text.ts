/** Sizes as tools print them: `371M`, `256MB`, `192 M`, `1G`, `134217728` (bytes). Binary units. */

const UNIT: Record<string, number> = { "": 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Converts a tool-printed size to bytes, or null when it is not a size. `K/M/G/T` (optionally
 * followed by `B` or `iB`, any case) are powers of 1024, as in kdump-tools and kdumpctl output.
 * This is NOT the kernel's memparse (domain.md §1.4): use the kernel-side crashkernel parser for
 * command-line values.
 */
export function parseSizeText(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = UNIT[(m[2] ?? "").toUpperCase()];
  if (unit === undefined) return null;
  const n = Number(m[1]) * unit;
  return Number.isFinite(n) ? Math.round(n) : null;
}
