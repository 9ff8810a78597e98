import { parseDmesg, parseLockdown } from "../parsers/kernel/index.ts";
import {
  parseKdumpConfigShow,
  parseKdumpServiceJournal,
  parseMokutilSbState,
} from "../parsers/tools/index.ts";
import type { Evidence, SecurityFacts } from "./host-facts.ts";
import { ev, firstLine, type SourceContext } from "./source-context.ts";

/**
 * Lockdown and Secure Boot (domain §6.2): /sys/kernel/security/lockdown first, then the boot lines
 * `Kernel is locked down from …` / `secureboot: Secure boot enabled`, then `mokutil --sb-state`.
 * `Lockdown: …: kexec of unsigned images is restricted` lines, from the kernel log or the load
 * output, are kept apart: they prove the kernel refused a kexec (trap 17 disambiguation).
 */
export function buildSecurity(ctx: SourceContext): SecurityFacts {
  const evidence: Evidence[] = [];
  const lockdownKexecLines: Evidence[] = [];
  const file = ctx.parse("lockdown", parseLockdown);
  const dmesg = ctx.parse("dmesg", parseDmesg);
  const mok = ctx.parse("mokutil_sb_state", parseMokutilSbState);

  let lockdown: SecurityFacts["lockdown"] = file?.active ?? null;
  let lockdownActive: boolean | null = lockdown === null ? null : lockdown !== "none";
  const fileLine = firstLine(ctx.text("lockdown"));
  if (file?.active && fileLine !== null) evidence.push(ev("lockdown", fileLine));

  let secureBoot: boolean | null = null;
  for (const l of dmesg?.lockdown ?? []) {
    if (l.kind === "restricted") {
      if (l.kexec) lockdownKexecLines.push(ev("dmesg", l.text));
      lockdownActive ??= true;
      continue;
    }
    evidence.push(ev("dmesg", l.text));
    if (l.kind === "locked-down") lockdownActive ??= true;
    if (l.kind === "secure-boot") {
      if (/enabled/i.test(l.detail)) secureBoot = true;
      else if (/disabled/i.test(l.detail)) secureBoot ??= false;
    }
  }
  if (mok?.state) {
    evidence.push(ev("mokutil_sb_state", mok.state.text));
    secureBoot = mok.state.value === "enabled";
  }
  const fromTool = [
    ...(ctx.parse("kdump_config_show", parseKdumpConfigShow)?.messages ?? [])
      .filter((m) => m.code === "lockdown")
      .map((m) => ev("kdump_config_show", m.text)),
    ...(ctx.parse("kdump_service_journal", parseKdumpServiceJournal)?.findings ?? [])
      .filter((f) => f.code === "lockdown")
      .map((f) => ev("kdump_service_journal", f.text)),
  ].filter((e) => /kexec/i.test(e.text));
  lockdownKexecLines.push(...fromTool);
  if (fromTool.length > 0) lockdownActive ??= true;
  if (lockdown === null && lockdownActive === false) lockdown = "none";
  return { lockdown, lockdownActive, secureBoot, lockdownKexecLines, evidence };
}
