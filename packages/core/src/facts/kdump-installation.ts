import type { SourceId } from "../sources.ts";
import type { DistroFamily, Evidence, KdumpFacts } from "./host-facts.ts";
import type { ToolOutputs } from "./kdump-tool-outputs.ts";
import { ev, type SourceContext } from "./source-context.ts";

/** The command outputs whose "command not found" means the family's kdump tooling is missing. */
const FAMILY_TOOLS: Readonly<Record<DistroFamily, readonly SourceId[]>> = {
  debian: ["kdump_config_show"],
  el: ["kdumpctl_status"],
  azurelinux: ["kdumpctl_status"],
  suse: ["kdumptool_calibrate"],
  unknown: ["kdump_config_show", "kdumpctl_status"],
};

/**
 * A tool source that could not run because the command does not exist (exit 127 / not-found).
 * `evidence` is the host's own line when there is one (a shell's "command not found" on stdout);
 * a command the agent could not find at all has no text, and absence is never an evidence line.
 */
function toolNotFound(ctx: SourceContext, id: SourceId): { evidence: Evidence | null } | null {
  const r = ctx.snapshot.sources?.[id];
  if (r === undefined) return null;
  if (!r.ok && r.error === "not-found") return { evidence: null };
  if (r.ok && r.exitCode === 127) {
    const first = r.text.trim().split(/\r?\n/)[0];
    return { evidence: first ? ev(id, first) : null };
  }
  return null;
}

export type Installation = Pick<KdumpFacts, "tool" | "installed" | "installedEvidence">;

/** installed / tool (R01): the first tool that answered, else the family's own tool missing. */
export function toolInstallation(input: {
  ctx: SourceContext;
  family: DistroFamily;
  tools: ToolOutputs;
}): Installation {
  const { ctx, family, tools } = input;
  const hit = toolAnswers(tools).find(([yes]) => yes);
  if (hit) {
    const line = hit[2]();
    return { tool: hit[1], installed: true, installedEvidence: line ? [line] : [] };
  }
  // only the family's own tool being absent says anything (SUSE has no kdump-config or kdumpctl)
  const { show } = tools;
  const asked = FAMILY_TOOLS[family];
  const misses = asked.map((id) =>
    id === "kdump_config_show" && show?.notFound
      ? { evidence: ev(id, show.notFound.text) }
      : toolNotFound(ctx, id),
  );
  const present = asked.filter((id) => ctx.snapshot.sources?.[id]);
  const notFound = misses.filter((m) => m !== null);
  if (notFound.length > 0 && notFound.length >= present.length) {
    const installedEvidence: Evidence[] = [];
    for (const m of notFound) if (m.evidence) installedEvidence.push(m.evidence);
    return { tool: null, installed: false, installedEvidence };
  }
  return { tool: null, installed: null, installedEvidence: [] };
}

/** Each tool that may answer, in order: whether it did, which tool that is, and the line to cite. */
function toolAnswers(tools: ToolOutputs): Array<[boolean, KdumpFacts["tool"], () => Evidence | null]> {
  const { show, status, cfgStatus, cfgTest, showmem, calibrate } = tools;
  const showFound = show?.found === true || (show?.messages.length ?? 0) > 0;
  const statusFound = status !== null && (status.operational !== null || status.unsupported !== null);
  return [
    [
      showFound,
      "kdump-tools",
      () => {
        const first = show?.dumpMode ?? show?.useKdump ?? show?.state ?? show?.messages[0] ?? null;
        return first ? ev("kdump_config_show", first.text) : null;
      },
    ],
    [
      statusFound,
      "kdumpctl",
      () => {
        const line = status?.operational ?? status?.unsupported ?? null;
        return line ? ev("kdumpctl_status", line.text) : null;
      },
    ],
    [cfgStatus?.state != null, "kdump-tools", () => ev("kdump_config_status", cfgStatus!.state!.text)],
    // `kdump-config test` printing its settings is kdump-tools answering (KT kdump_test)
    [cfgTest?.useKdump != null, "kdump-tools", () => ev("kdump_config_test", cfgTest!.useKdump!.text)],
    [showmem?.reserved != null, "kdumpctl", () => ev("kdumpctl_showmem", showmem!.reserved!.text)],
    [
      calibrate?.values.Low != null,
      "kdumptool",
      () => ev("kdumptool_calibrate", calibrate!.values.Low!.text),
    ],
  ];
}
