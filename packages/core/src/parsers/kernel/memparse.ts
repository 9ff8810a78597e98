/**
 * The kernel's `memparse()` (lib/cmdline.c, domain.md §1.4), bit for bit: `simple_strtoull(s, &end,
 * 0)` followed by at most one size suffix. Sample inputs, as they appear in `crashkernel=` values:
 *
 *     256M          → 268435456, rest ""
 *     0x10000000@16M → 268435456, rest "@16M"
 *     256MB         → 268435456, rest "B"   (the caller then reports "unrecognized char: B")
 *
 * Rules: `0x`/`0X` followed by a hex digit ⇒ hex; any other leading `0` ⇒ **octal** (so `010M` is
 * 8 MiB and `08M` parses as 0 with rest `8M`); otherwise decimal. No sign, no whitespace skipping.
 * One suffix `K M G T P E` in either case multiplies by a power of 1024. Arithmetic is that of an
 * `unsigned long long`: it wraps modulo 2^64, as the kernel's does. A lone suffix letter is consumed
 * even without digits (`M` parses as 0, consuming one character) – that is what the C code does.
 */

const U64_MASK = (1n << 64n) - 1n;

const SUFFIX_SHIFT: Readonly<Record<string, bigint>> = {
  K: 10n,
  k: 10n,
  M: 20n,
  m: 20n,
  G: 30n,
  g: 30n,
  T: 40n,
  t: 40n,
  P: 50n,
  p: 50n,
  E: 60n,
  e: 60n,
};

export interface MemparseResult {
  /** the value as the kernel's unsigned long long (exact, wrapped modulo 2^64) */
  value: bigint;
  /** `value` as a JS number (exact below 2^53 bytes = 8 PiB) */
  bytes: number;
  /** characters consumed; 0 means the kernel would report "memory value expected" */
  consumed: number;
  /** the unconsumed rest of the input */
  rest: string;
  /** the suffix letter that was consumed, if any */
  suffix: string | null;
}

function digitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** memparse starting at `pos` of `s`; returns the value and the index after the consumed text. */
export function memparseAt(s: string, pos: number): { value: bigint; end: number; suffix: string | null } {
  let i = pos;
  let base = 10;
  if (s.charAt(i) === "0") {
    const x = s.charAt(i + 1);
    if ((x === "x" || x === "X") && digitValue(s.charCodeAt(i + 2)) >= 0) {
      base = 16;
      i += 2;
    } else {
      base = 8;
    }
  }
  const bigBase = BigInt(base);
  let value = 0n;
  while (i < s.length) {
    const d = digitValue(s.charCodeAt(i));
    if (d < 0 || d >= base) break;
    value = (value * bigBase + BigInt(d)) & U64_MASK;
    i++;
  }
  // no digit read is only possible in base 10, and then i is still pos: simple_strtoull's endptr
  const letter = s.charAt(i);
  const shift = SUFFIX_SHIFT[letter];
  if (shift !== undefined) {
    value = (value << shift) & U64_MASK;
    return { value, end: i + 1, suffix: letter };
  }
  return { value, end: i, suffix: null };
}

/** Parses a kernel memory size such as `256M`, `0x1000`, `010m`; never throws. */
export function memparse(input: string): MemparseResult {
  const s = typeof input === "string" ? input : "";
  const { value, end, suffix } = memparseAt(s, 0);
  return { value, bytes: Number(value), consumed: end, rest: s.slice(end), suffix };
}
