/**
 * Which systemd unit a systemd log line is about, and what the line says about it. The kdump
 * units by name and by description (`Description=` of each unit file):
 *
 *     kdump-tools.service  "Kernel crash dump capture service"   Debian/Ubuntu (debian/kdump-tools.service)
 *     kdump.service        "Crash recovery kernel arming"        EL, Fedora, Amazon, Azure Linux (kdump-utils kdump.service)
 *     kdump.service        "Load kdump kernel and initrd"        SUSE (openSUSE/kdump init/kdump.service)
 *     kdump-early.service  "Load kdump kernel early on startup"  SUSE
 *
 * The difference that matters (trap 11): kdump-tools' unit runs an init script that exits 0 even
 * when the load failed, so its "Started"/"Finished" proves nothing; kdump.service is a oneshot
 * unit whose start fails when arming fails (kdumpctl `start` returns 1; SUSE load.sh exits 1), so
 * its "Started"/"Finished" line is a success and "Failed to start" a failure.
 */

export const KDUMP_UNITS = ["kdump-tools", "kdump", "kdump-early", "kdump-commandline"] as const;
export type KdumpUnit = (typeof KDUMP_UNITS)[number];

const BY_DESCRIPTION: ReadonlyArray<readonly [string, KdumpUnit]> = [
  ["Kernel crash dump capture service", "kdump-tools"],
  ["Crash recovery kernel arming", "kdump"],
  ["Load kdump kernel and initrd", "kdump"],
  ["Load kdump kernel early on startup", "kdump-early"],
  ["Check and update kdump options on the kernel command line", "kdump-commandline"],
];
const BY_NAME = /\b(kdump-tools|kdump-early|kdump-commandline|kdump)\.service\b/;

/** The kdump unit named in a systemd message, by unit name or description; null for other units. */
export function kdumpUnitOf(message: string): KdumpUnit | null {
  const named = BY_NAME.exec(message);
  if (named) return named[1] as KdumpUnit;
  for (const [description, unit] of BY_DESCRIPTION) if (message.includes(description)) return unit;
  return null;
}

/** A unit whose successful start means a capture kernel was armed. */
export function startMeansArmed(unit: KdumpUnit | null): boolean {
  return unit === "kdump" || unit === "kdump-early";
}

export type ServiceEventCode =
  | "service-starting"
  | "service-started"
  | "service-stopping"
  | "service-stopped"
  | "service-failed"
  | "attempt-start";

type SystemdRule = readonly [RegExp, ServiceEventCode, "error" | "warning" | "info"];

/** systemd's own lines about a unit (systemd src/core/job.c, unit.c, service.c wording). */
export const SYSTEMD_RULES: readonly SystemdRule[] = [
  [/^Starting (.*?)\.{0,3}$/, "service-starting", "info"],
  [/^Started (.*?)\.?$/, "service-started", "info"],
  [/^Finished (.*?)\.?$/, "service-started", "info"],
  [/^Stopping (.*?)\.{0,3}$/, "service-stopping", "info"],
  [/^Stopped (.*?)\.?$/, "service-stopped", "info"],
  [/^Failed to start (.*?)\.?$/, "service-failed", "error"],
  [/^(\S+): [Mm]ain process exited, code=\w+, status=([1-9]\d*\/\w+)$/, "service-failed", "error"],
  [/^(\S+): Failed with result '(.*)'\.?$/, "service-failed", "error"],
  [/^Unit (\S+) entered failed state\.?$/, "service-failed", "error"],
  [/^(\S+\.service) failed\.?$/, "service-failed", "error"],
];

/** Lines of programs the kdump units run; they belong to a kdump attempt wherever they appear. */
export const KDUMP_IDENTS: ReadonlySet<string> = new Set([
  "kdumpctl",
  "kdump",
  "kdump-tools",
  "kdump-config",
  "kdump_mem_estimator",
  "kdumptool",
  "kexec",
  "mkdumprd",
  "mkfadumprd",
  "load.sh",
  "kdump-notify",
  // newer journals name the unit when it has no SyslogIdentifier (fedora-coreos-config#2574)
  "kdump.service",
  "kdump-tools.service",
]);

/**
 * The unit a program's own log line comes from, by its syslog identifier: kdumpctl and its logger
 * (`kdump`, kdump-utils kdump-logger.sh), mkdumprd/mkfadumprd, SUSE's load.sh and kdumptool run
 * from kdump.service; kdump-config and the kdump_mem_estimator from kdump-tools.service. `kexec`
 * runs from both: null.
 */
const UNIT_BY_IDENT: ReadonlyMap<string, KdumpUnit> = new Map([
  ["kdumpctl", "kdump"],
  ["kdump", "kdump"],
  ["mkdumprd", "kdump"],
  ["mkfadumprd", "kdump"],
  ["load.sh", "kdump"],
  ["kdumptool", "kdump"],
  ["kdump.service", "kdump"],
  ["kdump-tools", "kdump-tools"],
  ["kdump-config", "kdump-tools"],
  ["kdump_mem_estimator", "kdump-tools"],
  ["kdump-tools.service", "kdump-tools"],
]);

export function kdumpUnitOfIdent(ident: string | null): KdumpUnit | null {
  return ident === null ? null : (UNIT_BY_IDENT.get(ident) ?? null);
}

/**
 * Helpers the kdump tooling runs (dracut builds the kdump initramfs): their lines are part of a
 * kdump attempt only while one is under way, since they also run for other reasons (a kernel
 * update rebuilds the normal initramfs with dracut too).
 */
export const HELPER_IDENTS: ReadonlySet<string> = new Set([
  "dracut",
  "dracut-install",
  "cp",
  "cpio",
  "lsinitrd",
  "mksquashfs",
  "sed",
]);
