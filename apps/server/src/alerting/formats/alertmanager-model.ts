/**
 * Alertmanager's own model, so receivers built for it see what Alertmanager would send:
 *   - fingerprint: FNV-1a 64 over the label names sorted, each name and value followed by the
 *     separator byte 0xff, printed as 16 hex digits (prometheus/common model/signature.go
 *     labelSetToFingerprint, model/fingerprinting.go Fingerprint.String);
 *   - the label set as text, `{a="x", b="y"}` with Go's %q quoting, pairs sorted (model/labelset.go
 *     LabelSet.String), which is what a group key is made of (alertmanager dispatch/dispatch.go
 *     aggrGroup.GroupKey: `<route key>:<group labels>`, the root route's key being `{}`);
 *   - the order of alerts in a notification: by `job`, then `instance`, then LabelSet.Before
 *     (alertmanager types/types.go AlertSlice.Less; model/labelset.go Before).
 */

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

const utf8 = new TextEncoder();

/** Go's sort of strings compares bytes; JS `<` compares UTF-16 units: compare the UTF-8 instead. */
function goLess(a: string, b: string): boolean {
  if (a === b) return false;
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number);
  return x.length < y.length;
}

function goCompare(a: string, b: string): number {
  return goLess(a, b) ? -1 : goLess(b, a) ? 1 : 0;
}

export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let h = FNV_OFFSET;
  for (const name of Object.keys(labels).sort(goCompare)) {
    for (const byte of [...utf8.encode(name), SEPARATOR, ...utf8.encode(labels[name] ?? ""), SEPARATOR]) {
      h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK;
    }
  }
  return h.toString(16).padStart(16, "0");
}

/** Go's strconv.Quote (what %q prints) for the characters label values can hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (cp === 7) out += "\\a";
    else if (cp === 8) out += "\\b";
    else if (cp === 12) out += "\\f";
    else if (cp === 11) out += "\\v";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `{alertname="KdumpCheckFailing", check="kdump.loaded"}` */
export function labelSetString(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${goQuote(v)}`);
  return `{${pairs.sort(goCompare).join(", ")}}`;
}

/** The group key Alertmanager's root route gives a group with these group labels. */
export function rootGroupKey(groupLabels: Readonly<Record<string, string>>): string {
  return `{}:${labelSetString(groupLabels)}`;
}

/** LabelSet.Before: fewer labels first, then the first differing pair in name order decides. */
export function labelSetBefore(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length < kb.length;
  for (const name of [...ka, ...kb].sort(goCompare)) {
    const va = a[name];
    const vb = b[name];
    if (va === undefined) return true;
    if (vb === undefined) return false;
    if (goLess(va, vb)) return true;
    if (goLess(vb, va)) return false;
  }
  return false;
}

/** AlertSlice.Less as a comparator (Array.prototype.sort is stable, like sort.Stable). */
export function compareAlertLabels(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): number {
  for (const key of ["job", "instance"]) {
    const va = a[key];
    const vb = b[key];
    if (va === undefined && vb === undefined) continue;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    if (va !== vb) return goLess(va, vb) ? -1 : 1;
  }
  return labelSetBefore(a, b) ? -1 : labelSetBefore(b, a) ? 1 : 0;
}
