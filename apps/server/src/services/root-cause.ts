/**
 * Root causes: which of a host's failing checks explain the others. A host without kdump-tools
 * also fails crashkernel.param, crashkernel.reserved, kdump.loaded and panic.on-oops; the one
 * thing to fix is the package. A failing check is a root cause when none of the checks that can
 * explain it fails too.
 *
 * Why each check can be explained by another (the order kdump is armed in):
 * - the tools ship the `crashkernel=` GRUB snippet and enable the service (kdump-tools
 *   `debian/kdump-tools.grub.default`, `kdumpctl reset-crashkernel`);
 * - memory is reserved only for a valid `crashkernel=` (kernel/crash_reserve.c
 *   `parse_crashkernel`), and sized and split only when reserved;
 * - the capture kernel loads only when installed, enabled, into a reservation, and when neither
 *   lockdown nor `kexec_load_disabled` refuses it (kexec-tools `kexec/kexec.c`, `kdump-config load`);
 * - kdump-tools sets `kernel.panic_on_oops=1` when it loads, and the service state disagrees with
 *   the load state exactly when the load failed (`kdump-config`, R11/R16 of the readiness rules).
 *
 * Pure: the same table gives the answer in TypeScript and as a SQL expression over `hosts.failing`.
 */
import { CHECK_IDS, type CheckId, CRITICAL_CHECKS } from "@kdumpwatch/core";
import { type SQL, sql } from "@kdumpwatch/db";

const EXPLAINED_BY: Readonly<Partial<Record<CheckId, readonly CheckId[]>>> = {
  "kdump.enabled": ["kdump.tools-installed"],
  "crashkernel.param": ["kdump.tools-installed"],
  "crashkernel.reserved": ["kdump.tools-installed", "crashkernel.param"],
  "crashkernel.size": ["kdump.tools-installed", "crashkernel.param", "crashkernel.reserved"],
  "crashkernel.low-region": ["kdump.tools-installed", "crashkernel.param", "crashkernel.reserved"],
  "kdump.kernel-links": ["kdump.tools-installed"],
  "kdump.loaded": [
    "kdump.tools-installed",
    "kdump.enabled",
    "crashkernel.param",
    "crashkernel.reserved",
    "kexec.lockdown",
    "kexec.load-disabled",
  ],
  "kdump.service-state": ["kdump.tools-installed", "kdump.enabled", "kdump.loaded"],
  "panic.on-oops": ["kdump.tools-installed", "kdump.loaded"],
};

/** The failing checks that no other failing check explains, in catalogue order. */
export function rootCauses(failing: readonly string[]): string[] {
  const set = new Set(failing);
  return failing.filter((c) => !(EXPLAINED_BY[c as CheckId] ?? []).some((e) => set.has(e)));
}

/** The alert-grouping key of a host: its critical root causes joined with "+", or "" when none. */
export function causeKey(failing: readonly string[]): string {
  return rootCauses(failing)
    .filter((c) => CRITICAL_CHECKS.has(c as CheckId))
    .join("+");
}

const textArray = (items: readonly string[]) =>
  sql`array[${sql.join(
    items.map((i) => sql`${i}`),
    sql`, `,
  )}]::text[]`;

/** `rootCauses(failing)` in SQL, as a text[] in catalogue order (the failing column is in that order). */
export function rootCausesSql(failing: SQL, only: readonly string[] = CHECK_IDS): SQL {
  const parts = CHECK_IDS.filter((c) => only.includes(c)).map((c) => {
    const by = EXPLAINED_BY[c] ?? [];
    const unexplained = by.length === 0 ? sql`true` : sql`not (${failing} && ${textArray(by)})`;
    return sql`case when ${c}::text = any(${failing}) and ${unexplained} then ${c}::text end`;
  });
  return sql`array_remove(array[${sql.join(parts, sql`, `)}]::text[], null)`;
}

/** `causeKey(failing)` in SQL. */
export function causeKeySql(failing: SQL): SQL {
  return sql`array_to_string(${rootCausesSql(failing, [...CRITICAL_CHECKS])}, '+')`;
}
