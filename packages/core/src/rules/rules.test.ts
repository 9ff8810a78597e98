import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { CHECK_IDS, CRITICAL_CHECKS } from "../checks/check.ts";
import { emptyFacts } from "../facts/empty-facts.ts";
import { RULES } from "./rules.ts";

const NOW = new Date("2024-05-01T12:00:00Z");

describe("RULES", () => {
  test("has one rule per catalogue id, each answering with its own id", () => {
    expect(Object.keys(RULES).sort()).toEqual([...CHECK_IDS].sort());
    for (const id of CHECK_IDS) expect(RULES[id](readyUbuntu(), NOW).id).toBe(id);
  });

  test("with no facts at all, no critical check passes (missing evidence is unknown)", () => {
    for (const id of CRITICAL_CHECKS) {
      const r = RULES[id](emptyFacts(), NOW);
      expect(r.status, `${id}: ${r.summary}`).toBe("unknown");
    }
  });

  test("every non-passing result carries remediation, every passing one none", () => {
    for (const facts of [readyUbuntu(), emptyFacts()]) {
      for (const id of CHECK_IDS) {
        const r = RULES[id](facts, NOW);
        const needs = r.status === "warn" || r.status === "fail" || r.status === "unknown";
        expect(Boolean(r.remediation?.length), `${id} ${r.status}`).toBe(needs);
        expect(r.summary.length, id).toBeGreaterThan(0);
      }
    }
  });

  test("the baseline healthy host passes or informs on every check", () => {
    for (const id of CHECK_IDS) {
      const r = RULES[id](readyUbuntu(), NOW);
      expect(["pass", "info"], `${id}: ${r.summary}`).toContain(r.status);
    }
  });
});
