import { parseIomem } from "../parsers/kernel/index.ts";
import { SOURCE_IDS, type SourceId } from "../sources.ts";
import type { CollectionFacts, Evidence, SourceState } from "./host-facts.ts";
import { findIncompleteOutputs } from "./incomplete-outputs.ts";
import { ev, type SourceContext } from "./source-context.ts";
import type { StandIns } from "./stand-ins.ts";

/** Parse issues kept in the facts (they are stored per snapshot; garbage input can produce many). */
const MAX_PARSE_ISSUES = 100;

/**
 * How complete the snapshot is (R17): per source ok / truncated / its error, zeroed /proc/iomem
 * (non-root, trap 10) and every parse issue met while building the facts. "missing" and
 * "not-found" (file or command absent) are normal on many hosts and only listed as missing.
 */
export function buildCollection(ctx: SourceContext, standIns?: StandIns): CollectionFacts {
  const sources: Partial<Record<SourceId, SourceState>> = {};
  const out: CollectionFacts = {
    sources,
    missing: [],
    permission: [],
    timeout: [],
    failed: [],
    truncated: [],
    unparsed: ctx.unparsed,
    iomemZeroed: false,
    incomplete: [],
    standIns: { ...(standIns?.used ?? {}) },
    parseIssues:
      ctx.issues.length > MAX_PARSE_ISSUES
        ? [
            ...ctx.issues.slice(0, MAX_PARSE_ISSUES),
            `… ${ctx.issues.length - MAX_PARSE_ISSUES} more parse issues`,
          ]
        : ctx.issues,
    evidence: [],
  };
  const evidence: Evidence[] = out.evidence;
  // states as collected: a stood-in source is still reported missing
  const raw = (standIns?.original ?? ctx.snapshot).sources ?? {};
  for (const id of SOURCE_IDS) {
    const r = raw[id];
    if (r === undefined) {
      sources[id] = "absent";
      continue;
    }
    if (r.ok) {
      sources[id] = r.truncated ? "truncated" : "ok";
      if (r.truncated) out.truncated.push(id);
      continue;
    }
    sources[id] = r.error;
    // an unread or cut source has no line to show: the check's summary names it (evidence is the
    // host's own text only)
    if (r.error === "missing" || r.error === "not-found") out.missing.push(id);
    else out[r.error].push(id);
  }
  const iomem = ctx.parse("iomem", parseIomem);
  if (iomem?.zeroed) {
    out.iomemZeroed = true;
    const line = ctx
      .text("iomem")
      ?.split(/\r\n|\r|\n/)
      .find((l) => l.trim() !== "");
    if (line !== undefined) evidence.push(ev("iomem", line));
  }
  // a parser failure is named in the summary too; parseIssues carries the details
  // output cut short without a truncated flag (sos size limits, ellipsized systemctl, a killed command)
  for (const cut of findIncompleteOutputs(ctx)) {
    if (out.truncated.includes(cut.source) || out.incomplete.includes(cut.source)) continue;
    out.incomplete.push(cut.source);
    evidence.push(cut.evidence);
  }
  return out;
}
