/**
 * The service that arms capture, as evidence (issue: readiness follows what actually arms the
 * capture). Four sources say how its last start went, each standing in for the others:
 *
 *   kdump_service_status   systemctl status: `Active:` is systemd's own word on the unit now,
 *                          and the journal lines it prints are this boot's
 *   kdump_service_journal  journalctl -b -u <unit>: this boot
 *   system_log             /var/log/messages or syslog: this boot only after its last boot marker
 *   kdump_log              /var/log/kdump.log: the last kexec ever traced, boot unknown unless its
 *                          date is after the system log's boot marker
 *
 * For kdump.service (EL, SUSE, Azure Linux) `Active: failed` is a failed start and `active` a
 * success; for kdump-tools.service `active` means nothing (its init script exits 0 after a failed
 * load, trap 11) and only the log lines count.
 */
import {
  type KdumpServiceJournal,
  type KdumpUnit,
  kdumpUnitOfIdent,
  type LastLoad,
  type LogStamp,
  parseKdumpLog,
  parseKdumpServiceJournal,
  parseSystemctlStatus,
  parseSystemLog,
  type UnitStatus,
} from "../parsers/tools/index.ts";
import type { SourceId } from "../sources.ts";
import type { Evidence, ServiceFacts, ServiceFailure } from "./host-facts.ts";
import { ev, type SourceContext } from "./source-context.ts";

interface Account {
  source: SourceId;
  load: LastLoad;
  thisBoot: boolean;
  journal: KdumpServiceJournal;
}

const ENABLED = new Set(["enabled", "enabled-runtime", "alias"]);
const DISABLED = new Set(["disabled", "masked", "masked-runtime"]);

/** The kdump unit block of a `systemctl status` text (several blocks: the loaded one wins). */
function kdumpBlock(units: readonly UnitStatus[]): UnitStatus | null {
  const kdump = units.filter((u) => u.kdumpUnit === "kdump-tools" || u.kdumpUnit === "kdump");
  return kdump.find((u) => u.loaded?.value.state === "loaded") ?? kdump[0] ?? null;
}

function stampOrder(a: LogStamp | null, b: LogStamp | null): number | null {
  if (a === null || b === null) return null;
  if (a.epochMs !== null && b.epochMs !== null) return a.epochMs - b.epochMs;
  if (a.kind === "monotonic" || b.kind === "monotonic") {
    return a.monotonic !== null && b.monotonic !== null ? a.monotonic - b.monotonic : null;
  }
  if (a.year !== null && b.year !== null && a.year !== b.year) return a.year - b.year;
  if (a.month === null || b.month === null || a.day === null || b.day === null) return null;
  return (a.month - b.month) * 1e7 + (a.day - b.day) * 1e5 + ((a.secondOfDay ?? 0) - (b.secondOfDay ?? 0));
}

/** The account whose decisive line is latest; without comparable stamps, the first in trust order. */
function latest(accounts: readonly Account[]): Account | null {
  let best: Account | null = null;
  for (const a of accounts) {
    if (best === null) {
      best = a;
      continue;
    }
    const order = stampOrder(a.load.decidedBy?.stamp ?? null, best.load.decidedBy?.stamp ?? null);
    if (order !== null && order > 0) best = a;
  }
  return best;
}

function loadEvidence(source: SourceId, load: LastLoad): Evidence[] {
  const lines = [...(load.decidedBy?.evidence ?? []), ...load.causes.flatMap((c) => c.evidence)];
  return lines.map((l) => ev(source, l.text));
}

export function buildService(ctx: SourceContext): ServiceFacts {
  const status = ctx.parse("kdump_service_status", parseSystemctlStatus);
  const journal = ctx.parse("kdump_service_journal", parseKdumpServiceJournal);
  const syslog = ctx.parse("system_log", parseSystemLog);
  const kdumpLog = ctx.parse("kdump_log", parseKdumpLog);
  const block = status ? kdumpBlock(status.units) : null;
  const sources: SourceId[] = [];
  const accounts: Account[] = [];

  if (block && block.log.length > 0) {
    const logs = parseKdumpServiceJournal(block.log.map((l) => l.text).join("\n")).value;
    accounts.push({ source: "kdump_service_status", load: logs.lastLoad, thisBoot: true, journal: logs });
  }
  if (journal)
    accounts.push({ source: "kdump_service_journal", load: journal.lastLoad, thisBoot: true, journal });
  if (syslog) {
    accounts.push({
      source: "system_log",
      load: syslog.lastLoad,
      thisBoot: syslog.bootMarkers > 0,
      journal: syslog,
    });
  }
  if (kdumpLog) {
    const attempt = kdumpLog.lastLoad.decidedBy?.stamp ?? null;
    const order = stampOrder(attempt, syslog?.currentBootStamp ?? null);
    accounts.push({
      source: "kdump_log",
      load: kdumpLog.lastLoad,
      thisBoot: order !== null && order >= 0,
      journal: kdumpLog,
    });
  }
  if (block) sources.push("kdump_service_status");
  for (const a of accounts) if (!sources.includes(a.source)) sources.push(a.source);

  // --- systemd's own word on the unit
  // systemd's lines name the unit; else the programs that logged (kdumpctl[…], load.sh[…] run
  // from kdump.service, kdump-tools[…] from kdump-tools.service)
  const findings = accounts.flatMap((a) => a.journal.findings);
  const unit: KdumpUnit | null =
    block?.kdumpUnit ??
    findings.map((f) => f.unit).find((u) => u === "kdump-tools" || u === "kdump") ??
    findings.map((f) => kdumpUnitOfIdent(f.ident)).find((u) => u !== null) ??
    null;
  const oneshot = unit === "kdump";
  const active = block?.active?.value.state ?? null;
  const evidence: Evidence[] = [];
  if (block) evidence.push(ev("kdump_service_status", block.header.text));
  if (block?.active) evidence.push(ev("kdump_service_status", block.active.text));
  let unitState: ServiceFacts["unitState"] = null;
  if (block?.loaded?.value.state === "not-found" || (status && !block && status.notFound.length > 0)) {
    unitState = "not-found";
    if (status && !block) evidence.push(...status.notFound.map((n) => ev("kdump_service_status", n.text)));
  } else if (active === "active" || active === "failed" || active === "inactive") unitState = active;
  else {
    const said = accounts.find((a) => a.thisBoot && a.journal.unitState)?.journal.unitState ?? null;
    if (said) unitState = said.state;
  }
  const loadedState = block?.loaded?.value.state ?? null;
  const enablement = block?.loaded?.value.enablement ?? (loadedState === "masked" ? "masked" : null);
  const enabledAtBoot =
    enablement === null ? null : ENABLED.has(enablement) ? true : DISABLED.has(enablement) ? false : null;
  if (block?.loaded && enabledAtBoot !== null) evidence.push(ev("kdump_service_status", block.loaded.text));

  // --- the last load attempt of this boot
  const decided = accounts.filter((a) => a.thisBoot && a.load.status !== "unknown");
  let final: Account | null = latest(decided);
  const withCause = (loads: readonly Account[]): Account | null =>
    loads.find((a) => a.load.status === "failed" && a.load.cause !== null) ??
    loads.find((a) => a.load.status === "failed") ??
    null;
  let failure: ServiceFailure | null = null;
  let lastLoad: ServiceFacts["lastLoad"] = null;
  if (block?.active && oneshot && active === "failed") {
    // systemd says the start failed: name the cause from whichever log has it
    const explained = withCause(accounts) ?? null;
    lastLoad = "failed";
    failure = {
      kind: explained?.load.cause?.kind ?? "other",
      explanation:
        explained?.load.cause?.explanation ??
        `the ${block.unit} start failed${block.active.value.result ? ` (Result: ${block.active.value.result})` : ""}`,
      causeLine: explained?.load.causes[0]?.text ?? null,
      evidence: [
        ev("kdump_service_status", block.active.text),
        ...(explained ? loadEvidence(explained.source, explained.load) : []),
      ],
      thisBoot: true,
    };
    final = null;
  } else if (block?.active && oneshot && active === "active") {
    lastLoad = "loaded";
    final = null;
  } else if (final === null) {
    // nothing placed in this boot: the last traced kexec (boot unknown) is all there is
    final = accounts.find((a) => !a.thisBoot && a.load.status !== "unknown") ?? null;
  }
  if (final) {
    const load = final.load;
    // a load the kdump.log traced before this boot proves nothing now; its failure is kept, unplaced
    lastLoad =
      !final.thisBoot || load.status === "unloaded" || load.status === "unknown" ? null : load.status;
    if (load.status === "failed") {
      // a generic "[FAILED]" in one log is explained by the cause another log names
      const explained = load.cause ? final : (withCause(accounts.filter((a) => a !== final)) ?? final);
      failure = {
        kind: explained.load.cause?.kind ?? "other",
        explanation:
          explained.load.cause?.explanation ?? "the kdump service failed to load the capture kernel",
        causeLine: explained.load.causes[0]?.text ?? null,
        evidence: [
          ...loadEvidence(final.source, load),
          ...(explained === final ? [] : loadEvidence(explained.source, explained.load)),
        ],
        thisBoot: final.thisBoot,
      };
    }
    for (const line of load.decidedBy?.evidence ?? []) evidence.push(ev(final.source, line.text));
  }
  if (failure) evidence.push(...failure.evidence);
  // the unit's own last word ("Finished …" after a failed kdump-tools load is trap 11's lie)
  const said = lastServiceEvent(accounts);
  if (said) evidence.push(said);

  const started = active === "active" ? true : active === "failed" ? false : startedFromLogs(accounts);
  return {
    read: sources.length > 0,
    started,
    lastLoad,
    evidence,
    unit: unit === "kdump-tools" || unit === "kdump" ? unit : null,
    unitState,
    enabledAtBoot,
    failure,
    sources,
  };
}

function lastServiceEvent(accounts: readonly Account[]): Evidence | null {
  for (const a of accounts) {
    if (!a.thisBoot) continue;
    const last = a.journal.findings
      .filter(
        (f) =>
          f.code.startsWith("service-") && (a.journal.bootMarkers === 0 || f.boot === a.journal.bootMarkers),
      )
      .at(-1);
    if (last) return ev(a.source, last.text);
  }
  return null;
}

/** The unit's last systemd event of this boot: started (true) or failed/stopped (false). */
function startedFromLogs(accounts: readonly Account[]): boolean | null {
  for (const a of accounts) {
    if (!a.thisBoot) continue;
    const events = a.journal.findings.filter(
      (f) =>
        f.code.startsWith("service-") && (a.journal.bootMarkers === 0 || f.boot === a.journal.bootMarkers),
    );
    const last = events.at(-1);
    if (last) return last.code === "service-started";
    const ok = a.journal.findings.some((f) => f.code === "start-ok");
    if (ok) return true;
  }
  return null;
}
