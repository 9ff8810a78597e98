/**
 * Content hash of a snapshot: lowercase hex sha256 of the UTF-8 canonical JSON of `snapshot.sources`
 * (sorted keys at every depth, see `canonicalJson` in @kdumpwatch/protocol). `collectedAt` is left
 * out on purpose: the same evidence collected a minute later is the same content.
 */
import { createHash } from "node:crypto";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { canonicalJson } from "@kdumpwatch/protocol";

export function hashSources(sources: SnapshotPayload["sources"]): string {
  return createHash("sha256").update(canonicalJson(sources), "utf8").digest("hex");
}
