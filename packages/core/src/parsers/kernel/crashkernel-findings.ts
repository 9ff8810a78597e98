import type { CrashkernelFinding } from "./crashkernel-evaluation.ts";
import type { CrashkernelScan } from "./find-crashkernel.ts";
import type { CrashkernelRun } from "./run-crashkernel.ts";

/** The remarks R03 needs beyond the outcome: duplicates, ignored tokens, wrong case, @offset, auto, size limit. */
export function crashkernelFindings(
  scan: CrashkernelScan,
  run: CrashkernelRun,
  rhelAuto: boolean,
  autoKnown: boolean,
): CrashkernelFinding[] {
  const out: CrashkernelFinding[] = [];
  const plains = scan.occurrences.filter((o) => o.suffix === null);
  if (plains.length > 1) {
    out.push({
      code: "duplicate",
      message: `${plains.length} plain crashkernel= parameters; the kernel uses only the last one (${scan.plain?.token})`,
      token: plains
        .slice(-8)
        .map((o) => (o.token.length > 200 ? `${o.token.slice(0, 200)}…` : o.token))
        .join(" "),
    });
  }
  const used = run.parse.used;
  if (used !== null && used === scan.plain) {
    for (const o of [scan.high, scan.low]) {
      if (o !== null) {
        out.push({
          code: "suffixed-ignored",
          message: `${o.token} is ignored because a plain crashkernel= is set`,
          token: o.token,
        });
      }
    }
  } else if (scan.low !== null && scan.high === null) {
    out.push({
      code: "low-without-high",
      message: `${scan.low.token} has no effect without crashkernel=…,high`,
      token: scan.low.token,
    });
  }
  for (const w of scan.wrongCase) {
    out.push({
      code: "wrong-case",
      message: `${w.token} is ignored: the kernel only knows lowercase crashkernel=`,
      token: w.token,
    });
  }
  for (const o of scan.occurrences) {
    if (o.embedded && (o === scan.plain || o === scan.high || o === scan.low || o === scan.cma)) {
      out.push({
        code: "embedded",
        message: `the kernel reads crashkernel= inside another word (${o.token}); its lookup is a plain substring search`,
        token: o.token,
      });
    }
  }
  if (run.outcome === "reserves" && run.parse.crashBase > 0n && used !== null) {
    out.push({
      code: "fixed-offset",
      message: `${used.token} asks for a fixed base address`,
      token: used.token,
    });
  }
  if (used?.value.startsWith("auto") && !rhelAuto && autoKnown) {
    out.push({
      code: "auto-unsupported",
      message: "crashkernel=auto is only implemented by RHEL 6-8 kernels; this kernel rejects it",
      token: used.token,
    });
  }
  if (scan.atSizeLimit) {
    out.push({
      code: "cmdline-size-limit",
      message: `the command line is ${scan.byteLength} bytes, at the kernel's limit: parameters at its end may be missing`,
    });
  }
  return out;
}
