/**
 * Content hash of a snapshot: lowercase hex sha256 of the UTF-8 canonical JSON of `snapshot.sources`
 * (sorted keys at every depth, see `canonicalJson` in @kdumpwatch/protocol). `collectedAt` is left
 * out on purpose: the same evidence collected a minute later is the same content.
 *
 * The hash is the agent's change detector, so the two sources that move on every read are compared
 * coarsely: /proc/meminfo by its fixed lines only (MemFree and friends change every second), and the
 * dump directory's `df` with its numbers at 3 significant figures (≈0.5 %: free space moves with
 * every log line written). Without this a healthy host would send a snapshot every interval. The raw
 * texts sent are untouched; the server keeps its own hash of exactly what it received.
 */
import { createHash } from "node:crypto";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { canonicalJson } from "@kdumpwatch/protocol";

type Sources = SnapshotPayload["sources"];

const STABLE_MEMINFO = /^(MemTotal|SwapTotal|Hugepagesize|HugePages_Total):/;

function coarsen(sources: Sources, id: string, reduce: (text: string) => string): Sources {
  const source = sources[id];
  if (source === undefined || !source.ok) return sources;
  return { ...sources, [id]: { ...source, text: reduce(source.text) } };
}

/** The sources as the change detector compares them. */
function stableSources(sources: Sources): Sources {
  const meminfo = coarsen(sources, "meminfo", (text) =>
    text
      .split("\n")
      .filter((line) => STABLE_MEMINFO.test(line))
      .join("\n"),
  );
  return coarsen(meminfo, "df_dump_dir", (text) =>
    text.replace(/\d{4,}/g, (n) => String(Number(Number(n).toPrecision(3)))),
  );
}

export function hashSources(sources: Sources): string {
  return createHash("sha256")
    .update(canonicalJson(stableSources(sources)), "utf8")
    .digest("hex");
}
