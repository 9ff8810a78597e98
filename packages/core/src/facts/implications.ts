/**
 * Facts imply facts. "unknown" is for what truly cannot be known, never for a question another
 * fact already answers. Every implication kdumpwatch draws is here, one entry each, with the
 * kernel or tool behaviour it rests on; each applies only when its conclusion is not already
 * known first-hand, and records itself in `facts.implications` with the evidence it used.
 */
import { byteCountToBigInt } from "../byte-count.ts";
import type { Evidence, HostFacts, Implication, ImplicationId } from "./host-facts.ts";

interface Rule {
  id: ImplicationId;
  /** the premise's evidence when the implication applies, else null */
  applies(facts: HostFacts): Evidence[] | null;
  /** patches the facts; returns the conclusion in words */
  apply(facts: HostFacts, evidence: Evidence[]): string;
}

const loaded = (f: HostFacts): boolean => f.kdump.state === "ready";
const firstHand = (f: HostFacts): Evidence[] => f.kdump.stateEvidence.slice(0, 1);

const RULES: readonly Rule[] = [
  {
    // kdumpctl showmem prints kexec_crash_size (or fadump/mem_reserved) in MB (kdump-utils
    // kdumpctl show_reserved_mem): it says what the sysfs file would have said.
    id: "showmem-stands-in-for-reservation",
    applies: (f) =>
      f.reservation.bytes === null && f.kdump.showmemBytes !== null ? f.kdump.showmemEvidence : null,
    apply(f, evidence) {
      const bytes = f.kdump.showmemBytes ?? 0;
      f.reservation.bytes = bytes;
      const some = byteCountToBigInt(bytes) > 0n;
      if (some) {
        f.reservation.reservedSeen = true;
        f.reservation.noneSeen = false;
        f.reservation.indirect = false;
      } else if (!f.reservation.reservedSeen) f.reservation.noneSeen = true;
      f.reservation.evidence.push(...evidence);
      return some ? "kdumpctl showmem reports the reservation" : "kdumpctl showmem reports no reservation";
    },
  },
  {
    // A capture kernel can only be loaded into the crashkernel region: kexec_load /
    // kexec_file_load of a KEXEC_ON_CRASH image fail with -ENOMEM/EADDRNOTAVAIL without one
    // (kernel/kexec_core.c, kexec-tools "Memory for crashkernel is not reserved"); a registered
    // fadump holds its firmware reservation. So "loaded" proves "reserved", whatever an empty or
    // zeroed `crashkernel addr:` line or an unreadable kexec_crash_size says.
    id: "loaded-implies-reserved",
    applies: (f) => {
      const r = f.reservation;
      const proven = r.reservedSeen && !r.indirect && r.bytes !== 0;
      return loaded(f) && !proven ? firstHand(f) : null;
    },
    apply(f, evidence) {
      const r = f.reservation;
      r.reservedSeen = true;
      r.noneSeen = false;
      r.indirect = false;
      if (r.bytes === 0) r.bytes = null;
      r.evidence.push(...evidence);
      return f.kdump.mode === "fadump"
        ? "fadump is registered, so its memory is reserved"
        : "a capture kernel is loaded, so the crashkernel region exists";
    },
  },
  {
    // kexec_load_disabled and kexec_load_limit_panic are checked at load time only
    // (kernel/kexec.c kexec_load_permitted); an image loaded before stays usable.
    id: "loaded-makes-load-limits-reload-only",
    applies: (f) => (loaded(f) && !f.kexec.onlyForReload ? firstHand(f) : null),
    apply(f) {
      f.kexec.onlyForReload = true;
      return "kexec_load_disabled and the kexec load limit only matter for the next reload";
    },
  },
  {
    // something with kexec loaded the capture kernel: the tooling is there
    id: "loaded-implies-installed",
    applies: (f) => (f.kdump.installed === null && loaded(f) ? firstHand(f) : null),
    apply(f, evidence) {
      f.kdump.installed = true;
      f.kdump.installedEvidence.push(...evidence);
      return "a capture kernel is loaded, so the kdump tooling is installed";
    },
  },
  {
    // systemd knows the unit (Loaded: loaded) only when its package is installed; "could not be
    // found" / "not-found" for every kdump unit, or a shell's "command not found", means it is not
    id: "service-implies-installed",
    applies: (f) => {
      if (f.kdump.installed !== null) return null;
      const s = f.service;
      if (s.unitState === null && s.failure?.kind !== "tools-missing") return null;
      return s.failure?.kind === "tools-missing" ? s.failure.evidence : s.evidence.slice(0, 2);
    },
    apply(f, evidence) {
      const present = f.service.unitState !== "not-found" && f.service.failure?.kind !== "tools-missing";
      f.kdump.installed = present;
      f.kdump.installedEvidence.push(...evidence);
      return present
        ? "systemd has the kdump unit, so its package is installed"
        : "the kdump tooling is not installed";
    },
  },
  {
    id: "package-implies-installed",
    applies: (f) => {
      const p = f.kdump.packages;
      if (f.kdump.installed !== null || p === null) return null;
      const tooling = p.installed.filter((name) => !name.startsWith("makedumpfile"));
      if (tooling.length > 0 || p.fullList || p.absent.length > 0) return p.evidence;
      return null;
    },
    apply(f, evidence) {
      const p = f.kdump.packages!;
      const present = p.installed.some((name) => !name.startsWith("makedumpfile"));
      f.kdump.installed = present;
      f.kdump.installedEvidence.push(...evidence);
      return present ? `installed: ${p.installed.join(", ")}` : "no kdump package is installed";
    },
  },
  {
    // /etc/kdump.conf belongs to kexec-tools / kdump-utils; `rpm -e` removes it (a modified copy
    // is renamed .rpmsave), so its presence means the package is installed
    id: "config-implies-installed",
    applies: (f) => (f.kdump.installed === null && f.kdump.configFiles.includes("kdump_conf") ? [] : null),
    apply(f) {
      f.kdump.installed = true;
      return "/etc/kdump.conf is present, so kexec-tools / kdump-utils is installed";
    },
  },
  {
    // the unit armed capture in this boot: it is enabled (its boot enablement, when read, wins)
    id: "loaded-implies-enabled",
    applies: (f) => (f.kdump.enabled === null && loaded(f) ? firstHand(f) : null),
    apply(f, evidence) {
      f.kdump.enabled = true;
      f.kdump.enabledEvidence.push(...evidence);
      return "a capture kernel was loaded this boot, so kdump is enabled";
    },
  },
  {
    // fadump sizes its reservation from crashkernel= when given, else from fadump_reserve_mem=
    // or a share of RAM (arch/powerpc/kernel/fadump.c fadump_calculate_reserve_size)
    id: "fadump-needs-no-crashkernel",
    applies: (f) => (f.kdump.mode === "fadump" && f.crashkernel.required ? f.kdump.modeEvidence : null),
    apply(f) {
      f.crashkernel.required = false;
      return "fadump reserves its own memory: crashkernel= is optional";
    },
  },
];

/** Applies every implication in order (later ones see earlier conclusions); mutates and returns facts. */
export function applyImplications(facts: HostFacts): HostFacts {
  for (const rule of RULES) {
    const evidence = rule.applies(facts);
    if (evidence === null) continue;
    const conclusion = rule.apply(facts, evidence);
    const record: Implication = { id: rule.id, conclusion, evidence: [...evidence] };
    facts.implications.push(record);
  }
  return facts;
}

export const IMPLICATION_RULE_IDS: readonly ImplicationId[] = RULES.map((r) => r.id);
