import {
  type CrashkernelEvaluation,
  type CrashkernelFindingCode,
  evaluateCrashkernel,
  parseDmesg,
} from "../parsers/kernel/index.ts";
import { parseGrubDefaults } from "../parsers/tools/index.ts";
import type {
  ConfiguredCrashkernelFacts,
  CrashkernelFacts,
  CrashkernelProblem,
  Evidence,
  IdentityFacts,
  MemoryFacts,
} from "./host-facts.ts";
import { ev, firstLine, type SourceContext } from "./source-context.ts";

const MiB = 1024 * 1024;

const OUTCOME_PROBLEM: Partial<Record<CrashkernelEvaluation["outcome"], CrashkernelProblem>> = {
  missing: "missing",
  "parse-error": "syntax",
  "invalid-size": "invalid-size",
  "no-range-matched": "no-range-match",
  zero: "zero",
  "size-exceeds-ram": "exceeds-ram",
  "low-without-high": "low-without-high",
  "high-unsupported": "high-unsupported",
};

const FINDING_PROBLEM: Record<CrashkernelFindingCode, CrashkernelProblem> = {
  duplicate: "duplicate",
  "suffixed-ignored": "suffix-ignored",
  "low-without-high": "low-without-high",
  "wrong-case": "wrong-case",
  embedded: "embedded",
  "fixed-offset": "offset",
  "auto-unsupported": "auto",
  "cmdline-size-limit": "cmdline-truncated",
};

function outcomeDetail(e: CrashkernelEvaluation): string {
  switch (e.outcome) {
    case "missing":
      return "no crashkernel= on the kernel command line";
    case "parse-error":
      return `the kernel rejects crashkernel=${e.effective}${e.kernelMessage ? ` (${e.kernelMessage})` : ""}`;
    case "invalid-size":
      return `crashkernel=${e.effective}: a range entry at least as large as RAM is rejected (crashkernel: invalid size)`;
    case "no-range-matched":
      return `crashkernel=${e.effective}: no range matches this host's RAM (crashkernel size resulted in zero bytes)`;
    case "zero":
      return `crashkernel=${e.effective} reserves nothing`;
    case "size-exceeds-ram":
      return `crashkernel=${e.effective} is not smaller than RAM: silently ignored`;
    case "low-without-high":
      return "only crashkernel=…,low/,cma given: they need a main reservation";
    case "high-unsupported":
      return `crashkernel=${e.effective}: ,high is not supported by this kernel/architecture`;
    default:
      return e.outcome;
  }
}

/**
 * The running kernel's crashkernel= judged by the kernel's own rules (parsers/kernel
 * evaluateCrashkernel, domain §1.2–1.9), with the RAM estimate, kernel release and arch.
 */
export function buildCrashkernel(
  ctx: SourceContext,
  identity: IdentityFacts,
  memory: MemoryFacts,
): CrashkernelFacts {
  const text = ctx.text("cmdline");
  const base: CrashkernelFacts = {
    cmdlineRead: text !== null,
    required: true,
    tokens: [],
    effective: null,
    kind: null,
    expectedBytes: null,
    mainBytes: null,
    lowBytes: null,
    offsetBytes: null,
    uncertain: false,
    uncertainReasons: [],
    problems: [],
    problemDetails: [],
    evidence: [],
  };
  if (text === null) return base;
  const e = evaluateCrashkernel({
    cmdline: text,
    systemRamBytes: memory.systemRamBytes,
    ramSource: memory.systemRamSource,
    kernelVersion: identity.kernelRelease,
    arch: identity.arch,
  });
  for (const issue of e.issues) ctx.note("cmdline", issue.message, issue.line);
  const problems: CrashkernelProblem[] = [];
  const details: string[] = [];
  const add = (p: CrashkernelProblem, d: string): void => {
    if (problems.includes(p)) return;
    problems.push(p);
    details.push(d);
  };
  const isAuto = e.kind === "auto" || (e.effective?.startsWith("auto") ?? false);
  if (isAuto) add("auto", "crashkernel=auto is implemented only by RHEL 6/7/8 kernels");
  const fromOutcome = OUTCOME_PROBLEM[e.outcome];
  if (fromOutcome !== undefined && !(isAuto && fromOutcome === "syntax")) add(fromOutcome, outcomeDetail(e));
  for (const f of e.findings) add(FINDING_PROBLEM[f.code], f.message);
  if (e.outcome === "reserves" && e.mainBytes !== null && e.mainBytes > 0 && e.mainBytes < 128 * MiB) {
    add("small", `crashkernel=${e.effective} reserves only ${Math.round(e.mainBytes / MiB)} MiB (< 128 MiB)`);
  }

  const evidence: Evidence[] = [];
  const line = firstLine(text);
  if (line !== null) evidence.push(ev("cmdline", line));
  // what the kernel actually printed about the parameter at boot, if the log still has it
  const dmesg = ctx.parse("dmesg", parseDmesg);
  for (const m of dmesg?.parserMessages ?? []) evidence.push(ev("dmesg", m.text));

  return {
    ...base,
    tokens: [...e.scan.occurrences.map((o) => o.token), ...e.scan.wrongCase.map((w) => w.token)],
    effective: e.effective,
    kind: e.kind === "high" ? "high" : e.kind === "none" ? null : "plain",
    expectedBytes: e.expectedBytes,
    mainBytes: e.mainBytes,
    lowBytes: e.lowBytes,
    offsetBytes: e.offsetBytes,
    uncertain: e.uncertain,
    uncertainReasons: [...e.uncertainReasons],
    problems,
    problemDetails: details,
    evidence,
  };
}

/**
 * The crashkernel= the next boot gets from GRUB: /etc/default/grub, then the grub.d drop-ins
 * (source etc_default_grub_d, each file after a `# file:` marker), later assignments winning.
 */
export function buildConfiguredCrashkernel(ctx: SourceContext): ConfiguredCrashkernelFacts {
  const grub = ctx.parse("etc_default_grub", (t) => parseGrubDefaults(t, { file: "/etc/default/grub" }));
  if (grub === null) return { value: null, file: null, read: false, evidence: [] };
  const dropIns = ctx.parse("etc_default_grub_d", (t) => parseGrubDefaults(t, { previous: grub }));
  const result = dropIns ?? grub;
  const token = result.effective;
  if (token === null) return { value: null, file: null, read: true, evidence: [] };
  const source =
    token.file === null || token.file === "/etc/default/grub" ? "etc_default_grub" : "etc_default_grub_d";
  return {
    value: token.value,
    file: token.file ?? "/etc/default/grub",
    read: true,
    evidence: [ev(source, token.text)],
  };
}
