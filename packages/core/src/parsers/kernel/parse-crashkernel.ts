import type { CrashkernelBehaviour } from "./crashkernel-behaviour.ts";
import { type CrashkernelOccurrence, type CrashkernelScan, findCrashkernel } from "./find-crashkernel.ts";
import { memparseAt } from "./memparse.ts";

/**
 * A faithful port of the kernel's `parse_crashkernel()` family (kernel/crash_reserve.c @35c18f29;
 * kernel/crash_core.c before v6.9), in exact unsigned 64-bit arithmetic. It answers "what would
 * this kernel parse out of this command line for this much memory", including the warnings it
 * would print in that kernel's wording. What differs between kernels comes in as a
 * CrashkernelBehaviour (crashkernel-model.ts); `evaluateCrashkernel` picks it.
 */

const SZ_128M = 128n << 20n;
const ULLONG_MAX = (1n << 64n) - 1n;
const NAME_LENGTH = "crashkernel=".length;

export interface RangeEntry {
  /** the entry text, e.g. `2G-4G:320M` */
  raw: string;
  start: bigint;
  /** exclusive; null when omitted (`2G-:…`) */
  end: bigint | null;
  size: bigint;
}

type ParseStatus = "ok" | "ENOENT" | "EINVAL";

export interface KernelCrashkernelParse {
  status: ParseStatus;
  crashSize: bigint;
  crashBase: bigint;
  /** the low size with `,high`: `,low`, else the default (null when the default is unknown) */
  lowSize: bigint | null;
  /** the value of the last `,low` token when it parses (x86 before v6.7 also uses it for a fallback) */
  lowParam: bigint | null;
  cmaSize: bigint;
  high: boolean;
  /** pr_warn/pr_info lines the parse of the plain / `,high` / `,low` tokens prints, in order */
  messages: string[];
  /** lines the independent `,cma` parse prints */
  cmaMessages: string[];
  /** which token supplied crashSize: the plain one, the `,high` one, or none */
  used: CrashkernelOccurrence | null;
  /** range syntax: the entries the kernel visited, and the index of the one that matched */
  visited: RangeEntry[];
  selected: number | null;
  /** range syntax: total memory after rounding, as compared */
  totalMem: bigint | null;
}

function ch(s: string, i: number): string {
  return i < s.length ? s.charAt(i) : "\0";
}

interface Sub {
  ret: 0 | "EINVAL";
  size: bigint;
  base: bigint;
  messages: string[];
  visited: RangeEntry[];
  selected: number | null;
  totalMem: bigint | null;
}

function sub(): Sub {
  return { ret: 0, size: 0n, base: 0n, messages: [], visited: [], selected: null, totalMem: null };
}

const OFFSET_EXPECTED = {
  bare: "Memory value expected after '@'",
  typo: "crahskernel: Memory value expected after '@'",
  prefixed: "crashkernel: Memory value expected after '@'",
} as const;

type Wording = Pick<CrashkernelBehaviour, "rangeSizeMessage" | "offsetMessage">;
const NEWEST: Wording = { rangeSizeMessage: "prefixed", offsetMessage: "prefixed" };

/** parse_crashkernel_mem(): `start-[end]:size[,…][@offset]`, warnings in the kernel's wording. */
function parseMem(s: string, systemRam: bigint, roundRam: boolean, wording: Wording): Sub {
  const r = sub();
  const total = roundRam ? ((systemRam + SZ_128M - 1n) / SZ_128M) * SZ_128M : systemRam;
  r.totalMem = total;
  const fail = (m: string): Sub => {
    r.messages.push(m);
    r.ret = "EINVAL";
    return r;
  };
  let cur = 0;
  for (;;) {
    const entryStart = cur;
    let end = ULLONG_MAX;
    const a = memparseAt(s, cur);
    if (a.end === cur) return fail("crashkernel: Memory value expected");
    cur = a.end;
    if (ch(s, cur) !== "-") return fail("crashkernel: '-' expected");
    cur++;
    let endGiven = false;
    if (ch(s, cur) !== ":") {
      const b = memparseAt(s, cur);
      if (b.end === cur) return fail("crashkernel: Memory value expected");
      cur = b.end;
      end = b.value;
      endGiven = true;
      if (end <= a.value) return fail("crashkernel: end <= start");
    }
    if (ch(s, cur) !== ":") return fail("crashkernel: ':' expected");
    cur++;
    const c = memparseAt(s, cur);
    if (c.end === cur)
      return fail(`${wording.rangeSizeMessage === "bare" ? "" : "crashkernel: "}Memory value expected`);
    cur = c.end;
    r.visited.push({
      raw: s.slice(entryStart, cur),
      start: a.value,
      end: endGiven ? end : null,
      size: c.value,
    });
    if (c.value >= total) return fail("crashkernel: invalid size");
    if (total >= a.value && total < end) {
      r.size = c.value;
      r.selected = r.visited.length - 1;
      break;
    }
    // while (*cur++ == ',')
    if (ch(s, cur) !== ",") break;
    cur++;
  }
  if (r.size > 0n) {
    while (cur < s.length && ch(s, cur) !== " " && ch(s, cur) !== "@") cur++;
    if (ch(s, cur) === "@") {
      cur++;
      const o = memparseAt(s, cur);
      if (o.end === cur) return fail(OFFSET_EXPECTED[wording.offsetMessage]);
      r.base = o.value;
    }
  } else {
    r.messages.push("crashkernel size resulted in zero bytes");
  }
  return r;
}

/** parse_crashkernel_simple(): `size[@offset]`. */
function parseSimple(s: string): Sub {
  const r = sub();
  const a = memparseAt(s, 0);
  r.size = a.value;
  if (a.end === 0) {
    r.messages.push("crashkernel: memory value expected");
    r.ret = "EINVAL";
    return r;
  }
  const c = ch(s, a.end);
  if (c === "@") r.base = memparseAt(s, a.end + 1).value;
  else if (c !== " " && c !== "\0") {
    r.messages.push(`crashkernel: unrecognized char: ${c}`);
    r.ret = "EINVAL";
  }
  return r;
}

/** parse_crashkernel_suffix(): `size,high|low|cma`. The size stays set even when the suffix check fails. */
function parseSuffix(s: string, suffix: string): Sub {
  const r = sub();
  const a = memparseAt(s, 0);
  r.size = a.value;
  const fail = (c: string): Sub => {
    r.messages.push(`crashkernel: unrecognized char: ${c === "\0" ? "" : c}`);
    r.ret = "EINVAL";
    return r;
  };
  if (a.end === 0) {
    r.messages.push("crashkernel: memory value expected");
    r.ret = "EINVAL";
    return r;
  }
  if (!s.startsWith(suffix, a.end)) return fail(ch(s, a.end));
  const after = ch(s, a.end + suffix.length);
  if (after !== " " && after !== "\0") return fail(after);
  return r;
}

/** __parse_crashkernel(): ENOENT when no token of the kind exists. */
function parseOne(
  line: string,
  occurrence: CrashkernelOccurrence | null,
  systemRam: bigint,
  b: Pick<CrashkernelBehaviour, "roundRam" | "rangeSizeMessage" | "offsetMessage">,
  suffix: string | null,
): Sub | "ENOENT" {
  if (occurrence === null) return "ENOENT";
  const rest = line.slice(occurrence.offset + NAME_LENGTH);
  if (suffix !== null) return parseSuffix(rest, `,${suffix}`);
  const colon = rest.indexOf(":");
  const space = rest.indexOf(" ");
  if (colon >= 0 && (space < 0 || colon < space)) return parseMem(rest, systemRam, b.roundRam, b);
  return parseSimple(rest);
}

/** Every `start-[end]:size` entry of a range value, in order, up to the first syntax error. */
export function listCrashkernelRanges(value: string): RangeEntry[] {
  return parseMem(value, ULLONG_MAX, false, NEWEST).visited;
}

/**
 * `parse_crashkernel()` for a command line and a memory size (bytes, as memblock counts it), as
 * the kernel of `behaviour` runs it; `defaultLow` is that kernel's default low size (null: not
 * known). Pass a scan made with the same `cmaSuffix` setting, or let the function scan.
 */
export function parseCrashkernelLikeKernel(
  cmdline: string,
  systemRam: bigint,
  behaviour: CrashkernelBehaviour,
  defaultLow: bigint | null,
  scan: CrashkernelScan = findCrashkernel(cmdline, { cmaSuffix: behaviour.cmaSuffix }).value,
): KernelCrashkernelParse {
  const out: KernelCrashkernelParse = {
    status: "ok",
    crashSize: 0n,
    crashBase: 0n,
    lowSize: 0n,
    lowParam: null,
    cmaSize: 0n,
    high: false,
    messages: [],
    cmaMessages: [],
    used: null,
    visited: [],
    selected: null,
    totalMem: null,
  };
  const line = scan.line;
  const take = (r: Sub): void => {
    out.messages.push(...r.messages);
  };
  const lowToken = scan.low === null ? "ENOENT" : parseOne(line, scan.low, systemRam, behaviour, "low");
  if (lowToken !== "ENOENT" && lowToken.ret === 0) out.lowParam = lowToken.size;
  const plain = parseOne(line, scan.plain, systemRam, behaviour, null);
  let ret: ParseStatus;
  if (plain === "ENOENT") ret = "ENOENT";
  else {
    take(plain);
    out.crashSize = plain.size;
    out.crashBase = plain.base;
    out.visited = plain.visited;
    out.selected = plain.selected;
    out.totalMem = plain.totalMem;
    out.used = scan.plain;
    ret = plain.ret === 0 ? "ok" : "EINVAL";
  }
  const tryHigh =
    behaviour.high === "if-missing"
      ? ret === "ENOENT"
      : behaviour.high === "after-failure" && (ret !== "ok" || out.crashSize === 0n);
  if (tryHigh) {
    const high = parseOne(line, scan.high, systemRam, behaviour, "high");
    if (high === "ENOENT" || high.ret !== 0 || high.size === 0n) {
      if (high !== "ENOENT") {
        take(high);
        out.used = scan.high;
      }
      out.crashSize = high === "ENOENT" ? out.crashSize : high.size;
      out.status = ret === "ENOENT" && high === "ENOENT" ? "ENOENT" : "EINVAL";
      return out;
    }
    take(high);
    out.crashSize = high.size;
    out.crashBase = 0n;
    out.used = scan.high;
    out.visited = [];
    out.selected = null;
    out.totalMem = null;
    if (lowToken === "ENOENT") out.lowSize = defaultLow;
    else {
      take(lowToken);
      if (lowToken.ret === 0) out.lowSize = lowToken.size;
      else if (behaviour.badLow === "default") out.lowSize = defaultLow;
      else {
        out.status = "EINVAL";
        return out;
      }
    }
    out.high = true;
    ret = "ok";
  }
  if (behaviour.cmaReserve) {
    const cma = parseOne(line, scan.cma, systemRam, behaviour, "cma");
    if (cma !== "ENOENT") {
      out.cmaMessages.push(...cma.messages);
      out.cmaSize = cma.size;
    }
  }
  if (out.crashSize === 0n) ret = ret === "ENOENT" ? "ENOENT" : "EINVAL";
  if (out.crashSize >= systemRam && ret !== "ENOENT") ret = "EINVAL";
  out.status = ret;
  return out;
}
