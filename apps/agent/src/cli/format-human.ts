import type { CheckResult, CheckStatus, HostFacts, Verdict } from "@kdumpwatch/core";

export interface Judged {
  verdict: Verdict;
  checks: CheckResult[];
  facts: HostFacts;
}

const VERDICT_TEXT: Record<Verdict, string> = {
  ready: "READY: this host can capture a kernel crash dump",
  at_risk: "AT RISK: a dump is armed, but something makes it likely to fail",
  not_ready: "NOT READY: this host cannot capture a kernel crash dump",
  unknown: "UNKNOWN: the evidence needed to judge this host is missing",
};

const STATUS_LABEL: Record<CheckStatus, string> = {
  fail: "FAIL",
  warn: "WARN",
  unknown: "UNKNOWN",
  info: "info",
  pass: "pass",
};

/** Order of the non-passing checks: what blocks a dump first. */
const SHOWN: readonly CheckStatus[] = ["fail", "unknown", "warn"];
const MAX_EVIDENCE_LINES = 8;
const MAX_LINE = 300;

type Paint = (code: string, text: string) => string;

/**
 * The human report of `check`: the verdict first, then each check that does not pass with its
 * evidence lines and its fix, then a one-line tally. Evidence comes from the host (or a capture)
 * and is untrusted: control characters are removed so a log line cannot drive the terminal.
 */
export function formatHuman(judged: Judged, options: { color: boolean; target: string }): string {
  const paint: Paint = options.color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_c, text) => text;
  const lines: string[] = [];
  const verdictColor = { ready: "32;1", at_risk: "33;1", not_ready: "31;1", unknown: "35;1" }[judged.verdict];
  lines.push(paint(verdictColor, VERDICT_TEXT[judged.verdict]));
  lines.push(describeHost(judged.facts, options.target));

  const notPassing = SHOWN.flatMap((status) => judged.checks.filter((c) => c.status === status));
  for (const check of notPassing) {
    lines.push("");
    lines.push(`${paint(statusColor(check.status), STATUS_LABEL[check.status].padEnd(7))} ${check.id}`);
    lines.push(`  ${clean(check.summary)}`);
    const evidence = check.evidence.slice(0, MAX_EVIDENCE_LINES);
    for (const e of evidence) lines.push(paint("2", `    ${clean(e.source)}: ${clean(e.text)}`));
    if (check.evidence.length > evidence.length) {
      lines.push(
        paint("2", `    … ${check.evidence.length - evidence.length} more evidence lines (--json shows all)`),
      );
    }
    const fix = check.remediation ?? [];
    fix.forEach((step, i) => {
      lines.push(`  ${i === 0 ? paint("1", "fix:") : "    "} ${clean(step)}`);
    });
  }

  const count = (s: CheckStatus) => judged.checks.filter((c) => c.status === s).length;
  lines.push("");
  lines.push(
    `${judged.checks.length} checks: ${count("pass")} pass, ${count("info")} info, ${count("warn")} warn, ` +
      `${count("fail")} fail, ${count("unknown")} unknown.`,
  );
  const info = judged.checks.filter((c) => c.status === "info");
  for (const check of info) lines.push(paint("2", `info    ${check.id}: ${clean(check.summary)}`));
  return `${lines.join("\n")}\n`;
}

function describeHost(facts: HostFacts, target: string): string {
  const { identity } = facts;
  const parts = [identity.hostname ?? "unknown host"];
  if (identity.os.prettyName) parts.push(identity.os.prettyName);
  if (identity.kernelRelease) parts.push(`kernel ${identity.kernelRelease}`);
  if (identity.arch) parts.push(identity.arch);
  return clean(`${target}: ${parts.join(", ")}`);
}

function statusColor(status: CheckStatus): string {
  return status === "fail" ? "31;1" : status === "warn" ? "33;1" : status === "unknown" ? "35;1" : "0";
}

function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const printable = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "").replace(/\n/g, " ");
  return printable.length > MAX_LINE ? `${printable.slice(0, MAX_LINE)}…` : printable;
}
