/**
 * Tool outputs that end before their fixed last line: cut by a size limit (sos truncates large
 * outputs), by a killed command, or by systemctl's terminal-width ellipsis. Such an output is
 * "collection incomplete", never silently complete: what it lacks cannot be read as absence.
 *   kdump-config show     always ends with `current state:` (+ suggestion and kexec command) in
 *                         its DRY_RUN mode once any key line was printed (KT kdump_show)
 *   kdump-config test     always prints `kexec command to be used:` after its key lines (KT kdump_test)
 *   kdumpctl estimate     prints `Recommended crashkernel:` right after `Reserved crashkernel:`
 *                         (kdump-utils do_estimate)
 *   systemctl status      `…` line endings and `Hint: Some lines were ellipsized` mean cut lines
 */
import {
  parseKdumpConfigShow,
  parseKdumpConfigTest,
  parseKdumpctlEstimate,
  parseSystemctlStatus,
} from "../parsers/tools/index.ts";
import type { SourceId } from "../sources.ts";
import type { Evidence } from "./host-facts.ts";
import { ev, type SourceContext } from "./source-context.ts";

export interface IncompleteOutput {
  source: SourceId;
  /** a line of the output showing where it stops (its last line, or a cut line) */
  evidence: Evidence;
}

function lastLine(text: string | null): string | null {
  if (text === null) return null;
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== "");
  return lines.at(-1) ?? null;
}

export function findIncompleteOutputs(ctx: SourceContext): IncompleteOutput[] {
  const out: IncompleteOutput[] = [];
  const endsEarly = (source: SourceId): void => {
    const line = lastLine(ctx.text(source));
    if (line !== null) out.push({ source, evidence: ev(source, line) });
  };
  const show = ctx.parse("kdump_config_show", parseKdumpConfigShow);
  if (show?.found && (show.useKdump || show.dumpMode) && show.state === null) endsEarly("kdump_config_show");
  const test = ctx.parse("kdump_config_test", parseKdumpConfigTest);
  if (test && (test.useKdump || test.coredir) && test.kexecCommand === null) endsEarly("kdump_config_test");
  const estimate = ctx.parse("kdumpctl_estimate", parseKdumpctlEstimate);
  if (estimate?.reserved && estimate.recommended === null) endsEarly("kdumpctl_estimate");
  // only the kdump unit's own block matters (sos's systemctl_status_--all lists every unit)
  const status = ctx.parse("kdump_service_status", parseSystemctlStatus);
  for (const unit of status?.units ?? []) {
    if (unit.kdumpUnit !== "kdump" && unit.kdumpUnit !== "kdump-tools") continue;
    const lines = [unit.header, unit.loaded, unit.active, ...unit.processes, ...unit.log];
    // systemd ellipsizes in the middle (`kexec: lo…el`), keeping both ends
    const cut = lines.find((l) => l?.text.includes("…"));
    if (cut) {
      out.push({ source: "kdump_service_status", evidence: ev("kdump_service_status", cut.text) });
      return out;
    }
  }
  // older systemd cuts with `...` mid-line and ends with a Hint line (NethServer/arm-dev#27); in a
  // sos `--all` dump the hint may be about another unit, so only a kdump-only status counts
  const onlyKdump = (status?.units ?? []).every(
    (u) => u.kdumpUnit === "kdump" || u.kdumpUnit === "kdump-tools",
  );
  if (status?.ellipsized && onlyKdump && status.units.length > 0) {
    const hint = ctx
      .text("kdump_service_status")
      ?.split(/\r\n|\r|\n/)
      .find((l) => l.startsWith("Hint: Some lines were ellipsized"));
    if (hint !== undefined)
      out.push({ source: "kdump_service_status", evidence: ev("kdump_service_status", hint) });
  }
  return out;
}
