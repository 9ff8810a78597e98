/**
 * The outcome of the last load attempt in a run of kdump log findings (one boot): the last
 * decisive event wins, and a failure carries the messages of its own attempt as causes, most
 * specific first, plus the named root cause. "Started"/"Finished" of kdump-tools' unit is not a
 * success (its init script exits 0 after a failed load, trap 11); of kdump.service it is.
 */
import { causeOf, causeRank, type FailureCause } from "./failure-cause.ts";
import type { JournalFinding, JournalFindingCode } from "./journal-finding.ts";
import { startMeansArmed } from "./service-units.ts";

export interface LastLoad {
  /**
   * The last decisive event (the LAST attempt counts): loaded, failed (with causes), unloaded,
   * skipped (`USE_KDUMP is not set or zero`: kdump switched off on purpose), or unknown.
   */
  status: "loaded" | "failed" | "unloaded" | "skipped" | "unknown";
  /** the finding that decided the status; null when unknown */
  decidedBy: JournalFinding | null;
  /** for failed: the error findings of that attempt, most specific first; [] otherwise */
  causes: JournalFinding[];
  /** for failed / skipped: the root cause named from the most specific message; null otherwise */
  cause: FailureCause | null;
}

const LOADED: ReadonlySet<JournalFindingCode> = new Set([
  "loaded",
  "start-ok",
  "fadump-registered",
  "already-running",
]);
const UNLOADED: ReadonlySet<JournalFindingCode> = new Set(["unloaded", "stop-ok"]);
const GENERIC_FAIL: ReadonlySet<JournalFindingCode> = new Set([
  "load-failed",
  "start-failed",
  "fadump-register-failed",
  "service-failed",
]);
/** Messages after which kdump-config / kdumpctl / load.sh give up loading. */
const FATAL: ReadonlySet<JournalFindingCode> = new Set([
  "use-kdump-not-set",
  "kdump-not-supported",
  "no-crashkernel-param",
  "fadump-not-configured",
  "ssh-and-nfs",
  "kdump-kernel-missing",
  "kdump-initrd-missing",
  "relocation-mismatch",
  "kexec-file-load-failed",
  "kexec-load-failed",
  "kexec-cannot-load",
  "kexec-no-free-area",
  "key-rejected",
  "memory-not-reserved",
  "lockdown",
  "initrd-build-failed",
  "no-space",
  "kernel-location-unknown",
  "bootinfo-failed",
  "initrd-no-write-permission",
  "cannot-open",
  "ima-appraisal",
  "selinux-denied",
  "tools-not-found",
  "unit-not-found",
  "dump-target-invalid",
  "config-invalid",
]);
/** Context that explains a failure of the same attempt but does not decide one by itself. */
const CONTEXT: ReadonlySet<JournalFindingCode> = new Set(["initrd-not-found"]);
const START_CODES: ReadonlySet<JournalFindingCode> = new Set(["service-starting", "attempt-start"]);

type Decided = { finding: JournalFinding; status: LastLoad["status"]; attemptStart: number };

export function lastLoadOf(findings: readonly JournalFinding[]): LastLoad {
  let attemptStart = 0;
  let sawWork = false;
  let decided: Decided | null = null;
  findings.forEach((f, i) => {
    if (START_CODES.has(f.code)) {
      if (sawWork) {
        attemptStart = i;
        sawWork = false;
      }
      return;
    }
    if (f.code.startsWith("service-")) {
      if (f.code === "service-failed") decided = { finding: f, status: "failed", attemptStart };
      else if (f.code === "service-started" && startMeansArmed(f.unit))
        decided = { finding: f, status: "loaded", attemptStart };
      else if (f.code === "service-stopped" && startMeansArmed(f.unit))
        decided = { finding: f, status: "unloaded", attemptStart };
      return;
    }
    if (CONTEXT.has(f.code)) return;
    sawWork = true;
    if (LOADED.has(f.code)) decided = { finding: f, status: "loaded", attemptStart };
    else if (UNLOADED.has(f.code)) decided = { finding: f, status: "unloaded", attemptStart };
    else if (GENERIC_FAIL.has(f.code) || FATAL.has(f.code))
      decided = { finding: f, status: "failed", attemptStart };
  });
  const d = decided as Decided | null;
  if (!d) return { status: "unknown", decidedBy: null, causes: [], cause: null };
  if (d.status !== "failed") return { status: d.status, decidedBy: d.finding, causes: [], cause: null };
  if (d.finding.code === "use-kdump-not-set") {
    return {
      status: "skipped",
      decidedBy: d.finding,
      causes: [],
      cause: causeOf(d.finding.code, d.finding.message),
    };
  }
  const end = findings.indexOf(d.finding);
  const attempt = findings.slice(d.attemptStart, end + 1);
  const causes = attempt
    .filter((f) => FATAL.has(f.code) || GENERIC_FAIL.has(f.code) || CONTEXT.has(f.code))
    .map((f, order) => ({ f, order, rank: causeRank(f.code) }))
    .sort((a, b) => b.rank - a.rank || a.order - b.order)
    .map((x) => x.f);
  const named = causes.map((f) => causeOf(f.code, f.message)).find((c) => c !== null) ?? null;
  return { status: "failed", decidedBy: d.finding, causes, cause: named };
}
