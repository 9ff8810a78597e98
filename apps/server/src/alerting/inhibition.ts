/**
 * One root cause, one page: on one host, a failing check whose failure explains another's inhibits
 * the other's alert, the way an Alertmanager `inhibit_rules` entry with `equal: [host_id]` would.
 * The inhibited alert is tracked (API, dashboard) but pages nobody — on every receiver — while the
 * source alert is open; the source alert names it among its consequences. When the source resolves
 * and the target still fails, the target pages then (like an alert whose silence ended).
 *
 * Default rules, from the kdump chain itself (docs/alerting.md "Inhibition"):
 *   crashkernel.param     → crashkernel.reserved, kdump.loaded
 *       no valid crashkernel= on the command line: the kernel reserves nothing
 *       (kernel/crash_reserve.c parse_crashkernel returns an error, no region is set up);
 *   crashkernel.reserved  → kdump.loaded
 *       no reservation: kexec-tools refuses to load a crash kernel ("Memory for crashkernel is not
 *       reserved", kexec/kexec.c main, is_crashkernel_mem_reserved), as the Ubuntu Server guide
 *       "Kernel crash dump" shows in `systemctl status kdump-tools`;
 *   kexec.lockdown, kexec.load-disabled → kdump.loaded
 *       the kernel refused the load (lockdown, kernel.kexec_load_disabled), so none is loaded;
 *   kdump.tools-installed → kdump.enabled, kdump.loaded
 *       without kdump-tools / kexec-tools nothing enables or loads a capture kernel.
 *
 * KDUMPWATCH_ALERT_INHIBIT: unset = these rules, `off` = none, or a list `SOURCE>TARGET,…` of
 * critical check ids.
 */
import { CRITICAL_CHECKS as CRITICAL } from "@kdumpwatch/core";

const CRITICAL_CHECKS: ReadonlySet<string> = CRITICAL;

export interface InhibitRule {
  /** check whose failure is the root cause */
  source: string;
  /** check whose failure follows from it, on the same host */
  target: string;
}

export const DEFAULT_INHIBIT_RULES: readonly InhibitRule[] = [
  { source: "crashkernel.param", target: "crashkernel.reserved" },
  { source: "crashkernel.param", target: "kdump.loaded" },
  { source: "crashkernel.reserved", target: "kdump.loaded" },
  { source: "kexec.lockdown", target: "kdump.loaded" },
  { source: "kexec.load-disabled", target: "kdump.loaded" },
  { source: "kdump.tools-installed", target: "kdump.enabled" },
  { source: "kdump.tools-installed", target: "kdump.loaded" },
];

export type ParseInhibitResult = { ok: true; rules: InhibitRule[] } | { ok: false; error: string };

/** Reads KDUMPWATCH_ALERT_INHIBIT; refuses unknown or non-critical checks and cycles. */
export function parseInhibitRules(
  value: string | undefined,
  variable = "KDUMPWATCH_ALERT_INHIBIT",
): ParseInhibitResult {
  const text = value?.trim() ?? "";
  if (text === "") return { ok: true, rules: [...DEFAULT_INHIBIT_RULES] };
  if (text.toLowerCase() === "off") return { ok: true, rules: [] };
  const rules: InhibitRule[] = [];
  for (const entry of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9.-]+)\s*>\s*([a-z0-9.-]+)$/.exec(entry);
    if (m === null) return { ok: false, error: `${variable}: ${JSON.stringify(entry)} is not SOURCE>TARGET` };
    const [, source = "", target = ""] = m;
    for (const id of [source, target]) {
      if (!CRITICAL_CHECKS.has(id)) {
        return {
          ok: false,
          error: `${variable}: ${id} is not a critical check (${[...CRITICAL_CHECKS].join(", ")})`,
        };
      }
    }
    if (source === target) return { ok: false, error: `${variable}: ${entry} inhibits itself` };
    if (!rules.some((r) => r.source === source && r.target === target)) rules.push({ source, target });
  }
  if (inhibitOrder(rules) === null) return { ok: false, error: `${variable}: the rules form a cycle` };
  return { ok: true, rules };
}

/**
 * Checks in an order where every source comes before its targets (so one pass over a host's
 * alerts knows its sources' states before it decides about a target); null on a cycle.
 */
export function inhibitOrder(rules: readonly InhibitRule[]): string[] | null {
  const checks = [...CRITICAL_CHECKS];
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (check: string): boolean => {
    const s = state.get(check);
    if (s === "done") return true;
    if (s === "visiting") return false;
    state.set(check, "visiting");
    for (const r of rules) if (r.target === check && !visit(r.source)) return false;
    state.set(check, "done");
    order.push(check);
    return true;
  };
  for (const c of checks) if (!visit(c)) return null;
  return order;
}

/** The sources among `openChecks` (the host's open KdumpCheckFailing alerts) that inhibit `check`. */
export function inhibitedBy(
  rules: readonly InhibitRule[],
  check: string,
  openChecks: ReadonlySet<string>,
): string[] {
  return rules.filter((r) => r.target === check && openChecks.has(r.source)).map((r) => r.source);
}

/** The targets of `check` that fail too: the consequences its alert names. */
export function consequencesOf(
  rules: readonly InhibitRule[],
  check: string,
  failing: ReadonlySet<string>,
): string[] {
  return rules.filter((r) => r.source === check && failing.has(r.target)).map((r) => r.target);
}

/** Rank of each check in inhibitOrder (unknown checks last), for sorting a host's alerts. */
export function inhibitRank(rules: readonly InhibitRule[]): (check: string) => number {
  const order = inhibitOrder(rules) ?? [...CRITICAL_CHECKS];
  const rank = new Map(order.map((c, i) => [c, i]));
  return (check) => rank.get(check) ?? order.length;
}
