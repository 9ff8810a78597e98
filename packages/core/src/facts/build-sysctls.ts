import { parseSysrq } from "../parsers/kernel/index.ts";
import type { SourceId } from "../sources.ts";
import type { CrashkernelFacts, Evidence, KexecFacts, PanicFacts, SysrqFacts } from "./host-facts.ts";
import { readInteger, readValue } from "./read-value.ts";
import { ev, type SourceContext } from "./source-context.ts";

/** Panic sysctls reported beside panic_on_oops (domain §6.1), by source id. */
const OTHER_PANIC: readonly [SourceId, string][] = [
  ["sysctl.kernel.panic", "kernel.panic"],
  ["sysctl.kernel.softlockup_panic", "kernel.softlockup_panic"],
  ["sysctl.kernel.hung_task_panic", "kernel.hung_task_panic"],
  ["sysctl.kernel.unknown_nmi_panic", "kernel.unknown_nmi_panic"],
  ["sysctl.kernel.panic_on_warn", "kernel.panic_on_warn"],
  ["sysctl.vm.panic_on_oom", "vm.panic_on_oom"],
];

/** The line as read (the source id names the sysctl, so a bare `0` is still exact evidence). */
function evidenceOf(id: SourceId, text: string | null): Evidence[] {
  return text === null ? [] : [ev(id, text)];
}

/** kernel.kexec_load_disabled and kexec_load_limit_panic (domain §6.3). */
export function buildKexec(ctx: SourceContext): KexecFacts {
  const disabled = readInteger(ctx, "sysctl.kernel.kexec_load_disabled");
  const limit = readInteger(ctx, "sysctl.kernel.kexec_load_limit_panic");
  return {
    loadDisabled: disabled.value === null ? null : disabled.value !== 0,
    onlyForReload: false,
    limitPanic: limit.value,
    evidence: [
      ...evidenceOf("sysctl.kernel.kexec_load_disabled", disabled.text),
      ...evidenceOf("sysctl.kernel.kexec_load_limit_panic", limit.text),
    ],
  };
}

export function buildPanic(ctx: SourceContext): PanicFacts {
  const oops = readInteger(ctx, "sysctl.kernel.panic_on_oops");
  const others: Record<string, number | null> = {};
  const evidence = evidenceOf("sysctl.kernel.panic_on_oops", oops.text);
  for (const [id, name] of OTHER_PANIC) {
    const v = readInteger(ctx, id);
    others[name] = v.value;
    evidence.push(...evidenceOf(id, v.text));
  }
  return { onOops: oops.value, others, evidence };
}

/**
 * kernel.sysrq (domain §3): keyboard Alt-SysRq-C needs 1 or bit 0x8; the `sysrq_always_enabled`
 * boot parameter forces keyboard sysrq on whatever the value.
 */
export function buildSysrq(ctx: SourceContext, crashkernel: CrashkernelFacts): SysrqFacts {
  const sysrq = readValue(ctx, "sysctl.kernel.sysrq", parseSysrq, (v) => v);
  const evidence = evidenceOf("sysctl.kernel.sysrq", sysrq.text);
  let keyboardCrash = sysrq.value?.keyboardCrash ?? null;
  const cmdline = crashkernel.evidence.find((e) => e.source === "cmdline")?.text ?? "";
  if (/(?:^|\s)sysrq_always_enabled(?:=1|=y|=Y)?(?:\s|$)/.test(cmdline)) {
    keyboardCrash = true;
    evidence.push(ev("cmdline", cmdline));
  }
  return { value: sysrq.value?.value ?? null, keyboardCrash, evidence };
}
