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
  const out: Out = { text: "" };
  write(out, value);
  return out.text;
}

interface Out {
  text: string;
}

// Written into one growing string rather than joined per level, and with each key's quoted form
// remembered: the server hashes every snapshot's sources and judgement this way (issue 13,
// BENCHMARKS.md "Judging cost per snapshot"), and the per-level joins and key quoting were most of
// its cost. The key vocabulary is small (source ids, fact and check fields); the cap keeps a
// hostile payload's made-up keys from growing the cache.
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

function write(out: Out, value: unknown): void {
  if (typeof value === "string") {
    out.text += JSON.stringify(value);
    return;
  }
  if (value === null || typeof value !== "object") {
    out.text += JSON.stringify(value) ?? "null";
    return;
  }
  if (Array.isArray(value)) {
    out.text += "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.text += ",";
      const item: unknown = value[i];
      if (item === undefined) out.text += "null";
      else write(out, item);
    }
    out.text += "]";
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  out.text += "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === "function") continue;
    out.text += first ? `${quotedKey(key)}:` : `,${quotedKey(key)}:`;
    first = false;
    write(out, item);
  }
  out.text += "}";
}
