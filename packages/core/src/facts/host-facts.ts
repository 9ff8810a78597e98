/**
 * HostFacts: everything the rules need about one host, normalised from the parsed sources.
 *
 * Conventions (stable, because `facts` is part of the agent's `check --json` output and is stored by
 * the server, product.md §4):
 * - `null` means "unknown" (the source was not read, or said nothing about it). `false`/`0`/`[]` are
 *   real observations, never placeholders for unknown.
 * - sizes and addresses are bytes as a ByteCount (byte-count.ts): a JSON number below 2^53, a
 *   decimal string from 2^53 on, so values such as `crashkernel=9P` or a 10 PiB dump target stay
 *   exact through JSON.
 * - every group a rule cites carries `evidence`: the exact source lines it came from.
 * - the object is plain JSON (no Dates, Maps or undefined) so it round-trips through the wire.
 */
import type { ByteCount } from "../byte-count.ts";
import type { Evidence } from "../checks/check.ts";
import type { SourceError, SourceId } from "../sources.ts";

export type { Evidence };

/** Bumped only when a field changes meaning; adding fields does not bump it. */
export const HOST_FACTS_VERSION = 1;

/**
 * Which tooling and remediation commands apply: Debian/Ubuntu (kdump-tools, kdump-config,
 * update-grub), EL (RHEL, CentOS, Rocky, Alma, Oracle, Fedora, Amazon Linux: kexec-tools or
 * kdump-utils, kdumpctl, grubby), SUSE (kdump package: kdumptool, yast2, /etc/sysconfig/kdump),
 * Azure Linux / CBL-Mariner (kexec-tools' kdumpctl without reset-crashkernel, tdnf, grub2-mkconfig).
 */
export const DISTRO_FAMILIES = ["debian", "el", "suse", "azurelinux", "unknown"] as const;
export type DistroFamily = (typeof DISTRO_FAMILIES)[number];

export interface IdentityFacts {
  hostname: string | null;
  machineId: string | null;
  os: {
    /** os-release ID, e.g. "ubuntu", "rhel" */
    id: string | null;
    /** os-release ID_LIKE, split on spaces */
    idLike: string[];
    /** os-release VERSION_ID, e.g. "22.04", "9.4" */
    versionId: string | null;
    prettyName: string | null;
    /** from os-release, else guessed from which kdump tooling answered */
    family: DistroFamily;
  };
  /** `uname -r`, else the dmesg `Linux version` line */
  kernelRelease: string | null;
  /** uname machine, e.g. "x86_64", "aarch64", "ppc64le", "s390x", "riscv64" */
  arch: string | null;
  evidence: Evidence[];
}

/** Memory, as close as we can get to the kernel's memblock_phys_mem_size() (domain §1.6). */
export interface MemoryFacts {
  /**
   * best estimate of System RAM: dmesg "System RAM:" > sum of iomem System RAM > dmesg
   * `Memory: …K/…K available` total > MemTotal
   */
  systemRamBytes: ByteCount | null;
  systemRamSource: "dmesg" | "iomem" | "dmesg-memory" | "meminfo" | null;
  /** /proc/meminfo MemTotal (smaller than System RAM) */
  memTotalBytes: ByteCount | null;
  evidence: Evidence[];
}

/**
 * Problems found with the `crashkernel=` parameters of the running command line (domain §1.2–1.5).
 * Whether a code fails or warns is the rule's business (rules/crashkernel-param.ts).
 */
export const CRASHKERNEL_PROBLEMS = [
  "missing", // no crashkernel= the kernel would use
  "wrong-case", // e.g. Crashkernel=512M, ignored by the kernel (trap 19)
  "duplicate", // several plain tokens: only the last counts (trap 2)
  "suffix-ignored", // ,high/,low present but a plain token wins
  "low-without-high", // only ,low (or ,cma) tokens: nothing is reserved
  "syntax", // memparse / grammar error (256MB, empty, end <= start, ...) (trap 5)
  "auto", // crashkernel=auto (trap 18); the rule decides by kernel release
  "high-unsupported", // only ,high, on an architecture/kernel without it
  "zero", // crashkernel=0 or resolves to 0 bytes explicitly
  "invalid-size", // a range entry >= RAM visited before the match: whole parameter rejected (trap 4)
  "no-range-match", // ranges, none matches the RAM size
  "exceeds-ram", // size >= System RAM: silently rejected
  "offset", // @offset given on an arch that places the region itself
  "small", // resolves to < 128 MiB
  "embedded", // matched inside another word (foo.crashkernel=64M): the kernel takes it anyway
  "cmdline-truncated", // the command line is at COMMAND_LINE_SIZE: a crashkernel= may be cut off (trap 22)
] as const;
export type CrashkernelProblem = (typeof CRASHKERNEL_PROBLEMS)[number];

export interface CrashkernelFacts {
  /** the /proc/cmdline was read, or the boot log's `Command line:` stood in (false: all below unknown) */
  cmdlineRead: boolean;
  /**
   * the host needs crashkernel= at all: false in fadump mode, which sizes its own reservation
   * (arch/powerpc/kernel/fadump.c fadump_calculate_reserve_size: crashkernel= is optional there)
   */
  required: boolean;
  /** every token that looks like crashkernel= (any case, any suffix), in command-line order */
  tokens: string[];
  /**
   * the value text of the token the kernel uses, as written after `crashkernel=`: the last plain
   * one (`512M-:192M`), else the `,high` one including its suffix (`1G,high`); null when none
   */
  effective: string | null;
  /** which lookup produced `effective` (ranges, simple sizes and `auto` are all "plain") */
  kind: "plain" | "high" | null;
  /**
   * bytes the kernel reserves per the rules of the kernel the host runs (ranges vs RAM rounded up
   * to 128 MiB on v6.0+): the main region, plus its low region where the main region is expected
   * at or above 4 GiB. Where that is undetermined (`,high` without knowing whether RAM exists above
   * 4 GiB) the fewer bytes; 0 when the value reserves nothing; null when unknown (RAM unknown for
   * a range value, unmodelled `auto`)
   */
  expectedBytes: ByteCount | null;
  /** the most the kernel can reserve for this value: with the low region of a placement above 4 GiB */
  expectedMaxBytes: ByteCount | null;
  /** the main region alone */
  mainBytes: ByteCount | null;
  /** the low region of a `,high` reservation placed above 4 GiB (given or the default; 0 = disabled or plain) */
  lowBytes: ByteCount | null;
  /**
   * plain values: the low region the kernel adds if the main region lands at or above 4 GiB (a
   * fallback, or `@offset` there on x86 before v6.7); null when that cannot happen
   */
  fallbackLowBytes: ByteCount | null;
  /** where the main region is expected: below 4 GiB, or at/above it (then with a low region); null: not known */
  placement: "below-4g" | "above-4g" | null;
  /** `@offset` in bytes when given */
  offsetBytes: ByteCount | null;
  /** the RAM estimate is within 128 MiB of a range boundary, RAM or kernel version unknown, … */
  uncertain: boolean;
  /** why uncertain, e.g. "ram-near-boundary", "ram-unknown", "kernel-version-unknown" */
  uncertainReasons: string[];
  problems: CrashkernelProblem[];
  /** human-readable explanation of each problem, in the same order */
  problemDetails: string[];
  evidence: Evidence[];
}

/** The crashkernel= the bootloader config will pass on next boot (grub defaults, grub.d). */
export interface ConfiguredCrashkernelFacts {
  /**
   * effective crashkernel= value of GRUB_CMDLINE_LINUX + GRUB_CMDLINE_LINUX_DEFAULT after the grub.d
   * drop-ins, by the kernel's rule (last plain token; else the `,high` one, written "<size>,high")
   */
  value: string | null;
  /** where it came from, e.g. "/etc/default/grub.d/kdump-tools.cfg" */
  file: string | null;
  /** the grub sources were read at all */
  read: boolean;
  evidence: Evidence[];
}

export interface ReservedRegion {
  /** "main" = the crashkernel region, "low" = the extra low region of a high reservation */
  kind: "main" | "low" | "cma" | "fadump";
  /** physical start address, null when unknown or zeroed (non-root iomem) */
  start: ByteCount | null;
  /** exclusive end (start + size); iomem's inclusive end is converted (trap 7) */
  end: ByteCount | null;
  bytes: ByteCount | null;
  source: SourceId;
}

export interface ReservationFacts {
  /**
   * Total reserved bytes (main + low). From kexec_crash_size when > 0 (plus the iomem/dmesg low
   * region on old kernels where it is not counted), else regions, else fadump mem_reserved.
   * 0 = positively nothing reserved. null = unknown.
   */
  bytes: ByteCount | null;
  regions: ReservedRegion[];
  /** the only evidence is indirect (e.g. `crashkernel addr: 0x` from a non-root read) */
  indirect: boolean;
  /** some source positively showed a reservation */
  reservedSeen: boolean;
  /** a source positively showed no reservation (kexec_crash_size 0, empty `crashkernel addr:`, ...) */
  noneSeen: boolean;
  /** failure/warning lines from the kernel log (domain §2.2), and kexec "not reserved" messages */
  failures: Evidence[];
  /** the dmesg holds boot-time lines, so a missing success line means something (trap 9) */
  dmesgHasBootLines: boolean;
  evidence: Evidence[];
}

export interface LinkFacts {
  /** e.g. /var/lib/kdump/vmlinuz */
  path: string;
  /** symlink target, null when not a symlink */
  target: string | null;
  broken: boolean;
  /** kernel version parsed from the target name, e.g. "5.15.0-46-generic" */
  version: string | null;
  evidence: Evidence[];
}

export interface KdumpFacts {
  /** which tooling answered or is installed: Debian kdump-tools, EL/Azure kdumpctl, SUSE kdumptool */
  tool: "kdump-tools" | "kdumpctl" | "kdumptool" | null;
  /** tooling present; false when the commands were not found (exit 127); null when not asked */
  installed: boolean | null;
  installedEvidence: Evidence[];
  /** USE_KDUMP=1 (Debian) or kdump service enabled / operational (EL) */
  enabled: boolean | null;
  /** raw USE_KDUMP value as configured (may be "") */
  useKdump: string | null;
  enabledEvidence: Evidence[];
  mode: "kdump" | "fadump" | null;
  /** the lines that decided the mode (fadump=on, `fadump: Reserved`, DUMP_MODE, sysfs …) */
  modeEvidence: Evidence[];
  /** capture kernel loaded (kexec_crash_loaded, fadump registered, `current state:`, kdumpctl status) */
  state: "ready" | "not_ready" | null;
  stateEvidence: Evidence[];
  /** crashkernel suggested size (kdump-config) or Recommended crashkernel (kdumpctl estimate) */
  suggestedBytes: ByteCount | null;
  /** `Unknown (<reason>)` from kdump-config when no suggestion could be made */
  suggestedUnknownReason: string | null;
  suggestedEvidence: Evidence[];
  kernelLink: LinkFacts | null;
  initrdLink: LinkFacts | null;
  /** kdump-config show printed the symlink lines (pre-2016 versions do not) */
  linksShown: boolean;
  /** messages about missing KDUMP_KERNEL / KDUMP_INITRD */
  linkProblems: Evidence[];
  /** last successful kexec command (historical, trap 12) */
  kexecCommand: string | null;
  /** kexecCommand passes -s (kexec_file_load) */
  kexecUsesFileLoad: boolean | null;
  /** kexec / kdump-config / kdumpctl load error lines (from show, journal, status) */
  loadErrors: Evidence[];
  /** kdump packages from `rpm -q`/`dpkg-query`/sos installed-rpms/`dpkg -l`; null when not collected */
  packages: {
    /** e.g. "kexec-tools 2.0.26-8.el9" */
    installed: string[];
    absent: string[];
    /** a whole package list was read, so a package missing from it is not installed */
    fullList: boolean;
    evidence: Evidence[];
  } | null;
  /** kdump configuration files present on the host */
  configFiles: SourceId[];
  /** `kdumpctl showmem`: bytes reserved as kdumpctl reads them (kexec_crash_size or fadump mem_reserved) */
  showmemBytes: ByteCount | null;
  showmemEvidence: Evidence[];
  /** EL: last vmcore creation test result from `kdumpctl status` */
  lastTest: {
    result: "success" | "failed" | "manual-check";
    date: string | null;
    evidence: Evidence[];
  } | null;
}

/** A start of the kdump service that failed, with the root cause named from its own messages. */
export interface ServiceFailure {
  /** signature, not-permitted, access-denied, no-space, initramfs, … (parsers/tools failure-cause.ts) */
  kind: string;
  /** one sentence naming the root cause */
  explanation: string;
  /** the most specific message behind it, as the host wrote it (null: only a generic failure line) */
  causeLine: string | null;
  /** the lines it rests on: the decisive failure line and the cause lines, as read */
  evidence: Evidence[];
  /** the failure is placed after the last boot (false: a log without boot markers, or kdump.log) */
  thisBoot: boolean;
}

/**
 * What the service that arms capture says about itself (kdump.service-state, trap 11): from
 * `systemctl status`, the unit journal, the system log and /var/log/kdump.log, each standing in
 * for the others when missing.
 */
export interface ServiceFacts {
  /** any service source was read */
  read: boolean;
  /** the unit finished starting ("Finished …", "Started …", "[OK]", Active: active) */
  started: boolean | null;
  /** outcome of the last load attempt of this boot as logged */
  lastLoad: "loaded" | "failed" | "skipped" | null;
  evidence: Evidence[];
  /** the unit the host runs: kdump-tools (Debian/Ubuntu) or kdump (EL, SUSE, Azure Linux) */
  unit: "kdump-tools" | "kdump" | null;
  /** systemd's view now: `Active:` of systemctl status, else the journal's last word on the unit */
  unitState: "active" | "failed" | "inactive" | "not-found" | null;
  /** `Loaded: …; enabled;` (true) / `disabled;` `masked` (false); null when unknown */
  enabledAtBoot: boolean | null;
  /** the last start failed and nothing later succeeded; null otherwise */
  failure: ServiceFailure | null;
  /** the service sources that were read, in the order they were trusted */
  sources: SourceId[];
}

export interface SecurityFacts {
  /** active level of /sys/kernel/security/lockdown, else inferred from kernel lines */
  lockdown: "none" | "integrity" | "confidentiality" | null;
  /** lockdown is in force (level integrity/confidentiality, or a `Kernel is locked down` boot line) */
  lockdownActive: boolean | null;
  secureBoot: boolean | null;
  /** `Lockdown: …: kexec of unsigned images is restricted` and similar kernel lines */
  lockdownKexecLines: Evidence[];
  evidence: Evidence[];
}

export interface KexecFacts {
  loadDisabled: boolean | null;
  /**
   * a capture kernel is already loaded, so kexec_load_disabled and the load limit only matter for
   * the next reload (set by the implications, facts/implications.ts)
   */
  onlyForReload: boolean;
  /** kernel.kexec_load_limit_panic: -1 unlimited, N loads left */
  limitPanic: number | null;
  evidence: Evidence[];
}

export interface PanicFacts {
  onOops: number | null;
  /** other panic sysctls by name (kernel.panic, kernel.softlockup_panic, vm.panic_on_oom, …) */
  others: Record<string, number | null>;
  evidence: Evidence[];
}

export interface SysrqFacts {
  value: number | null;
  /** Alt-SysRq-C works from a keyboard: value 1 or bit 8 set (trap 15) */
  keyboardCrash: boolean | null;
  evidence: Evidence[];
}

export interface DumpTargetFacts {
  /** KDUMP_COREDIR, or kdump.conf `path` (default /var/crash) */
  coredir: string | null;
  /** remote target when configured; null = local */
  remote: { kind: "ssh" | "nfs" | "ftp" | "raw" | "fs"; target: string } | null;
  freeBytes: ByteCount | null;
  sizeBytes: ByteCount | null;
  /** mount point df reported */
  mount: string | null;
  /** KDUMP_NUM_DUMPS (0 = keep all) */
  numDumps: number | null;
  evidence: Evidence[];
}

export interface DumpEntry {
  /** directory or file name as listed */
  name: string;
  /** stamp as written (kdump-tools `YYYYMMDDHHMM`, RHEL `YYYY-MM-DD-HH:MM:SS`) */
  stamp: string | null;
  /** the stamp read as a (capture-kernel-local) time, ISO-8601 without zone */
  time: string | null;
  /** a vmcore/dump file and no `-incomplete` leftover; false: incomplete or no core; null: contents not listed */
  complete: boolean | null;
  /** bytes of the dump file when the listing shows sizes */
  sizeBytes: ByteCount | null;
}

export interface DumpsFacts {
  /** the listing was read */
  listed: boolean;
  entries: DumpEntry[];
  /** Ubuntu apport `linux-image-<kver>-<stamp>.crash` files */
  apportReports: string[];
  newestStamp: string | null;
  evidence: Evidence[];
}

export type SourceState = "ok" | "truncated" | SourceError | "absent";

export interface CollectionFacts {
  /** state of every source id (absent = not in the snapshot at all) */
  sources: Partial<Record<SourceId, SourceState>>;
  missing: SourceId[];
  permission: SourceId[];
  timeout: SourceId[];
  failed: SourceId[];
  truncated: SourceId[];
  /** sources whose parser failed outright (a bug, not bad input): their facts are unknown */
  unparsed: SourceId[];
  /** /proc/iomem read without CAP_SYS_ADMIN: addresses are zeros (trap 10) */
  iomemZeroed: boolean;
  /** parser issues, "<source>:<line>: <message>" */
  parseIssues: string[];
  /**
   * tool outputs cut short although not flagged truncated: `kdump-config show` without its
   * `current state:` line, `systemctl status` with ellipsized lines, output ending mid-line, …
   */
  incomplete: SourceId[];
  /** a missing source answered by another: cmdline ← dmesg `Command line:`, service status ← journal */
  standIns: Partial<Record<SourceId, SourceId>>;
  evidence: Evidence[];
}

export const IMPLICATION_IDS = [
  "loaded-implies-reserved",
  "showmem-stands-in-for-reservation",
  "loaded-makes-load-limits-reload-only",
  "loaded-implies-installed",
  "service-implies-installed",
  "package-implies-installed",
  "config-implies-installed",
  "loaded-implies-enabled",
  "fadump-needs-no-crashkernel",
] as const;
export type ImplicationId = (typeof IMPLICATION_IDS)[number];

/** A fact concluded from other facts (facts/implications.ts), with the evidence it rests on. */
export interface Implication {
  id: ImplicationId;
  conclusion: string;
  evidence: Evidence[];
}

export interface HostFacts {
  version: typeof HOST_FACTS_VERSION;
  /** snapshot.collectedAt */
  collectedAt: string;
  identity: IdentityFacts;
  memory: MemoryFacts;
  crashkernel: CrashkernelFacts;
  configuredCrashkernel: ConfiguredCrashkernelFacts;
  reservation: ReservationFacts;
  kdump: KdumpFacts;
  service: ServiceFacts;
  security: SecurityFacts;
  kexec: KexecFacts;
  panic: PanicFacts;
  sysrq: SysrqFacts;
  dumpTarget: DumpTargetFacts;
  dumps: DumpsFacts;
  collection: CollectionFacts;
  /** facts that other facts answered ("unknown" only for what truly cannot be known) */
  implications: Implication[];
}
