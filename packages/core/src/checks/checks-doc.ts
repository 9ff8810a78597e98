/**
 * Renders docs/checks.md, the check catalogue, from the code that decides: each rule's doc comment
 * (what the check means), CHECK_EVIDENCE (the sources its evidence quotes), the verdict the
 * readiness code gives when the check alone fails, warns or is unknown, and the remediation each
 * rule returns on a host of each distro family made to fail it. Nothing in it is written twice, so
 * the document cannot drift: checks-doc.test.ts fails when docs/checks.md differs from this output.
 * Documentation support: nothing shipped imports it. The broken hosts come in as input (the
 * testkit's family-scenarios.ts, handed over by checks-doc.test.ts) so that no file under src/
 * but a test imports test support (house-style §1).
 */
import type { DistroFamily, HostFacts } from "../facts/host-facts.ts";
import { evaluateReadiness } from "../readiness.ts";
import { RULES } from "../rules/rules.ts";
import { CHECK_IDS, type CheckId, type CheckResult, type CheckStatus, type Verdict } from "./check.ts";
import { CHECK_EVIDENCE } from "./check-evidence.ts";

type Family = Exclude<DistroFamily, "unknown">;

/** The hosts of `family` made to fail or warn check `id`, one per way known (none: not applicable). */
type BrokenHosts = (id: CheckId, family: Family) => readonly HostFacts[];

export interface ChecksDocInput {
  /** the source text of each check's rule file (packages/core/src/rules/<ruleFile(id)>) */
  ruleSources: Readonly<Record<CheckId, string>>;
  brokenHosts: BrokenHosts;
}

const FAMILY_NAMES: Readonly<Record<Family, string>> = {
  debian: "Debian/Ubuntu",
  el: "RHEL/Fedora/Amazon Linux",
  suse: "SUSE/openSUSE",
  azurelinux: "Azure Linux",
};

const NOW = new Date("2024-05-01T12:00:00Z");
const EFFECT_STATUSES = ["fail", "warn", "unknown"] as const satisfies readonly CheckStatus[];

/** The rule file of a check id: `kdump.tools-installed` → `kdump-tools-installed.ts`. */
export function ruleFile(id: CheckId): string {
  return `${id.replaceAll(".", "-")}.ts`;
}

/** The doc comment right above a rule file's `export function check…`, as plain text, or null. */
export function ruleDocComment(source: string): string | null {
  const m = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export function check/.exec(source);
  if (!m) return null;
  const lines = m[1]!.split("\n").map((l) => l.replace(/^\s*\* ?/, "").trimEnd());
  const paragraphs = lines
    .join("\n")
    .trim()
    .split(/\n\s*\n/);
  return paragraphs.map((p) => p.replace(/\s*\n\s*/g, " ")).join("\n\n");
}

/** The verdict a host gets when this check alone has `status` and every other check passes. */
export function verdictEffect(id: CheckId, status: CheckStatus): Verdict {
  const checks: CheckResult[] = CHECK_IDS.map((c) => ({
    id: c,
    status: c === id ? status : "pass",
    summary: "",
    evidence: [],
  }));
  return evaluateReadiness(checks);
}

/** Whether any status of this check keeps a host from `ready`. */
export function isBlocking(id: CheckId): boolean {
  return EFFECT_STATUSES.some((s) => verdictEffect(id, s) !== "ready");
}

/** The remediation steps a rule returns on the hosts of `family` broken in each way known. */
export function familyFixes(id: CheckId, family: Family, brokenHosts: BrokenHosts): string[] {
  const seen = new Set<string>();
  for (const host of brokenHosts(id, family)) {
    const result = RULES[id](host, NOW);
    for (const step of result.remediation ?? []) seen.add(step);
  }
  return [...seen];
}

function ruleTag(doc: string): string {
  return /^(R\d+(?: \+ R\d+)*)/.exec(doc)?.[1] ?? "—";
}

function evidenceText(id: CheckId): string {
  const sources = CHECK_EVIDENCE[id];
  return sources === "every"
    ? "any source (it reports on the collection itself)"
    : sources.map((s) => `\`${s}\``).join(", ");
}

function summaryTable(docs: ReadonlyMap<CheckId, string>): string[] {
  const rows = CHECK_IDS.map((id) => {
    const effects = EFFECT_STATUSES.map((s) => verdictEffect(id, s));
    const critical = verdictEffect(id, "fail") === "not_ready" ? "yes" : "no";
    return `| [\`${id}\`](#${anchor(id)}) | ${ruleTag(docs.get(id)!)} | ${critical} | ${isBlocking(id) ? "yes" : "no"} | ${effects.join(" | ")} |`;
  });
  return [
    "| check | rule (domain.md §8) | critical | blocking | verdict on fail | on warn | on unknown |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ];
}

/** GitHub's heading anchor for `` ## `kdump.tools-installed` ``. */
function anchor(id: CheckId): string {
  return id.replace(/[^\w -]/g, "").replaceAll(" ", "-");
}

function checkSection(id: CheckId, doc: string, brokenHosts: BrokenHosts): string[] {
  const effects = EFFECT_STATUSES.map((s) => `${s} → \`${verdictEffect(id, s)}\``).join(", ");
  const out = [
    `## \`${id}\``,
    "",
    doc,
    "",
    `- **Evidence it reads:** ${evidenceText(id)}.`,
    `- **Verdict effect:** ${isBlocking(id) ? "blocking" : "not blocking (shown, never changes the verdict)"}; ${effects} (this check alone, every other passing).`,
    `- **Rule:** \`packages/core/src/rules/${ruleFile(id)}\`.`,
    "",
    "Fixes, as the rule gives them on a host of each family made to fail or warn it in every way",
    "`packages/testkit/src/core/family-scenarios.ts` knows (cause-specific steps included):",
    "",
  ];
  for (const family of Object.keys(FAMILY_NAMES) as Family[]) {
    const fixes = familyFixes(id, family, brokenHosts);
    out.push(`- **${FAMILY_NAMES[family]}**`);
    for (const step of fixes.length > 0 ? fixes : ["(not applicable on this family)"]) {
      out.push(`  - ${inlineCode(step)}`);
    }
  }
  out.push("");
  return out;
}

/** A step as markdown: a command (it starts lower case: `sudo …`, `journalctl …`) in a code span. */
function inlineCode(step: string): string {
  return /^[a-z]/.test(step) && !step.includes("`") ? `\`${step}\`` : step;
}

/** docs/checks.md, whole. */
export function renderChecksDoc(input: ChecksDocInput): string {
  const docs = new Map<CheckId, string>();
  for (const id of CHECK_IDS) {
    const doc = ruleDocComment(input.ruleSources[id]);
    if (doc === null) throw new Error(`${ruleFile(id)} has no doc comment above its check function`);
    docs.set(id, doc);
  }
  return [
    "# The check catalogue",
    "",
    "<!-- Generated from packages/core/src/rules by `pnpm --filter @kdumpwatch/core gen:checks-doc`; do not edit. -->",
    "",
    "Every check kdumpwatch runs on a host, in catalogue order (`CHECK_IDS` in",
    "`packages/core/src/checks/check.ts`). Ids are stored, shown, filtered on and alerted on: once",
    "shipped, an id never changes meaning (product.md §2). What each check means is its rule's own doc",
    "comment; the verdict effect is what `evaluateReadiness` gives when that check alone fails, warns or",
    "is unknown; the fixes are the remediation the rule returns on a host of each distro family made to",
    "fail or warn it. A **critical** check's failure makes a host `not_ready`; a **blocking** check keeps",
    "a host from `ready` (core's `blockingChecks`); the verdict model is in product.md §2 and",
    "docs/domain.md §8.",
    "",
    ...summaryTable(docs),
    "",
    ...CHECK_IDS.flatMap((id) => checkSection(id, docs.get(id)!, input.brokenHosts)),
  ]
    .join("\n")
    .replace(/\n+$/, "\n");
}
