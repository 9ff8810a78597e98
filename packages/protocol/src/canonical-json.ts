/**
 * Canonical JSON, the input of the snapshot content hash (`SnapshotMessage.hash` =
 * lowercase hex sha256 of `canonicalJson(snapshot.sources)`, UTF-8). Agent and server must agree on
 * it byte for byte, so it is defined once, here:
 *   - object keys sorted by UTF-16 code units (plain `Array.prototype.sort`), at every depth;
 *   - no whitespace; strings and numbers exactly as `JSON.stringify` writes them;
 *   - properties whose value is `undefined` are left out, as `JSON.stringify` does; arrays keep order.
 *     {"b":1,"a":{"d":[2,1],"c":"x"}}  →  {"a":{"c":"x","d":[2,1]},"b":1}
 */
export function canonicalJson(value: unknown): string {
  text = "";
  write(value);
  const done = text;
  text = "";
  return done;
}

/**
 * An object's canonical JSON twice in one pass: whole, and without one of its own (top-level)
 * properties — `without` is byte for byte `canonicalJson` of the object with that property left
 * out. The server keeps the judgement's facts as canonical text (stored as they are) and hashes
 * them without `collectedAt` (issue 13): each value is written once, not once per form.
 */
export function canonicalJsonWithout(
  value: Readonly<Record<string, unknown>>,
  omit: string,
): { full: string; without: string } {
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let full = "{";
  let without = "{";
  let fullFirst = true;
  let withoutFirst = true;
  for (const key of keys) {
    const item = value[key];
    if (item === undefined || typeof item === "function") continue;
    const quoted = quotedKey(key);
    const member = canonicalJson(item);
    full += (fullFirst ? quoted.first : quoted.next) + member;
    fullFirst = false;
    if (key === omit) continue;
    without += (withoutFirst ? quoted.first : quoted.next) + member;
    withoutFirst = false;
  }
  return { full: `${full}}`, without: `${without}}` };
}

// Written into one growing module-level string (write never calls back into user code, so there
// is no re-entry) rather than joined per level, with each key's `"key":` and `,"key":` forms
// remembered, and booleans and numbers written without a JSON.stringify call: the server hashes
// every snapshot's sources and judgement this way (issue 13, BENCHMARKS.md "Judging cost per
// snapshot", "Canonical JSON per snapshot"), and the per-level joins, key quoting and the
// allocations per key were most of its cost. The key vocabulary is small (source ids, fact and
// check fields); the cap keeps a hostile payload's made-up keys from growing the cache.
let text = "";

interface QuotedKey {
  /** `"key":`, the first property of an object */
  first: string;
  /** `,"key":`, every later one */
  next: string;
}

const QUOTED_KEYS = new Map<string, QuotedKey>();
const MAX_QUOTED_KEYS = 4096;

function quotedKey(key: string): QuotedKey {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    const first = `${JSON.stringify(key)}:`;
    quoted = { first, next: `,${first}` };
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

function write(value: unknown): void {
  switch (typeof value) {
    case "string":
      text += JSON.stringify(value);
      return;
    case "boolean":
      text += value ? "true" : "false";
      return;
    case "number":
      // JSON.stringify writes a finite number as Number#toString does (-0 as "0"), others as null
      text += Number.isFinite(value) ? String(value) : "null";
      return;
    case "object":
      break;
    default:
      // undefined, functions, symbols (and bigint, which throws, as JSON.stringify does)
      text += JSON.stringify(value) ?? "null";
      return;
  }
  if (value === null) {
    text += "null";
    return;
  }
  if (Array.isArray(value)) {
    text += "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ",";
      const item: unknown = value[i];
      if (item === undefined) text += "null";
      else write(item);
    }
    text += "]";
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  text += "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === "function") continue;
    const quoted = quotedKey(key);
    text += first ? quoted.first : quoted.next;
    first = false;
    write(item);
  }
  text += "}";
}
