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
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === "function") continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
  }
  return `{${parts.join(",")}}`;
}
