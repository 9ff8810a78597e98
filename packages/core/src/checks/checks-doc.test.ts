/**
 * docs/checks.md is the catalogue rendered from the code (checks-doc.ts): this test fails when the
 * committed file differs. Regenerate with `pnpm --filter @kdumpwatch/core gen:checks-doc`.
 */
import { BREAK, breaksOn, brokenHosts, FAMILY_HOSTS, type Family } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { CHECK_IDS, type CheckId, CRITICAL_CHECKS } from "./check.ts";
import {
  familyFixes,
  isBlocking,
  renderChecksDoc,
  ruleDocComment,
  ruleFile,
  verdictEffect,
} from "./checks-doc.ts";

const files = import.meta.glob<string>("../rules/*.ts", { query: "?raw", import: "default", eager: true });

function ruleSources(): Record<CheckId, string> {
  const out = {} as Record<CheckId, string>;
  for (const id of CHECK_IDS) {
    const text = files[`../rules/${ruleFile(id)}`];
    if (text === undefined) throw new Error(`no rule file ${ruleFile(id)} for ${id}`);
    out[id] = text;
  }
  return out;
}

describe("the check catalogue", () => {
  test("docs/checks.md is up to date (regenerate: pnpm --filter @kdumpwatch/core gen:checks-doc)", async () => {
    await expect(renderChecksDoc({ ruleSources: ruleSources(), brokenHosts })).toMatchFileSnapshot(
      "../../../../docs/checks.md",
    );
  });

  test("every check has a rule file with a doc comment, and each one's meaning reaches the document", () => {
    const sources = ruleSources();
    const doc = renderChecksDoc({ ruleSources: sources, brokenHosts });
    for (const id of CHECK_IDS) {
      const comment = ruleDocComment(sources[id]);
      expect(comment, ruleFile(id)).not.toBeNull();
      expect(doc, id).toContain(`## \`${id}\``);
      expect(doc, id).toContain(comment!);
    }
  });

  test("a changed rule comment changes the document, so a stale file cannot pass", () => {
    const sources = ruleSources();
    const changed = {
      ...sources,
      "panic.on-oops": sources["panic.on-oops"].replace("R11 (domain §8", "R11 (changed, domain §8"),
    };
    expect(renderChecksDoc({ ruleSources: changed, brokenHosts })).not.toBe(
      renderChecksDoc({ ruleSources: sources, brokenHosts }),
    );
  });

  test("the verdict effects are the readiness code's: critical checks block, a failure of one is not_ready", () => {
    for (const id of CRITICAL_CHECKS) {
      expect(verdictEffect(id, "fail"), id).toBe("not_ready");
      expect(verdictEffect(id, "unknown"), id).toBe("unknown");
      expect(isBlocking(id), id).toBe(true);
    }
    expect(verdictEffect("dump-target.capacity", "fail")).toBe("at_risk");
    expect(verdictEffect("sysrq.keyboard-crash", "warn")).toBe("ready");
    expect(isBlocking("sysrq.keyboard-crash")).toBe(false);
  });

  test("every check that can fail or warn is broken by a scenario, and has a fix on each family it applies to", () => {
    for (const id of CHECK_IDS) {
      if (id === "sysrq.keyboard-crash") continue; // always info (trap 15)
      expect(
        BREAK.some(([target]) => target === id),
        `${id} has no scenario in family-scenarios.ts`,
      ).toBe(true);
    }
    for (const family of Object.keys(FAMILY_HOSTS) as Family[]) {
      for (const [id] of breaksOn(family)) {
        expect(familyFixes(id, family, brokenHosts).length, `${id} on ${family}`).toBeGreaterThan(0);
      }
    }
  });
});
