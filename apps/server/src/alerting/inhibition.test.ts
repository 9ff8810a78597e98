import { describe, expect, test } from "vitest";
import {
  consequencesOf,
  DEFAULT_INHIBIT_RULES,
  inhibitedBy,
  inhibitOrder,
  parseInhibitRules,
} from "./inhibition.ts";

describe("inhibition rules", () => {
  test("unset means the default chain, `off` means none", () => {
    expect(parseInhibitRules(undefined)).toEqual({ ok: true, rules: DEFAULT_INHIBIT_RULES });
    expect(parseInhibitRules(" OFF ")).toEqual({ ok: true, rules: [] });
  });

  test("a custom list is read as SOURCE>TARGET pairs", () => {
    expect(parseInhibitRules("crashkernel.reserved>kdump.loaded, kexec.lockdown > kdump.loaded")).toEqual({
      ok: true,
      rules: [
        { source: "crashkernel.reserved", target: "kdump.loaded" },
        { source: "kexec.lockdown", target: "kdump.loaded" },
      ],
    });
  });

  test.each([
    ["crashkernel.reserved", "is not SOURCE>TARGET"],
    ["crashkernel.size>kdump.loaded", "crashkernel.size is not a critical check"],
    ["kdump.loaded>kdump.loaded", "inhibits itself"],
    ["kdump.loaded>crashkernel.reserved,crashkernel.reserved>kdump.loaded", "cycle"],
  ])("%j is refused naming the variable (%s)", (value, message) => {
    const r = parseInhibitRules(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain("KDUMPWATCH_ALERT_INHIBIT");
      expect(r.error).toContain(message);
    }
  });

  test("the order puts every source before its targets", () => {
    const order = inhibitOrder(DEFAULT_INHIBIT_RULES) ?? [];
    for (const r of DEFAULT_INHIBIT_RULES)
      expect(order.indexOf(r.source)).toBeLessThan(order.indexOf(r.target));
  });

  test("a missing crashkernel= explains the missing reservation and the unloaded capture kernel", () => {
    const failing = new Set(["crashkernel.param", "crashkernel.reserved", "kdump.loaded"]);
    expect(consequencesOf(DEFAULT_INHIBIT_RULES, "crashkernel.param", failing)).toEqual([
      "crashkernel.reserved",
      "kdump.loaded",
    ]);
    expect(inhibitedBy(DEFAULT_INHIBIT_RULES, "kdump.loaded", failing)).toEqual([
      "crashkernel.param",
      "crashkernel.reserved",
    ]);
    expect(inhibitedBy(DEFAULT_INHIBIT_RULES, "crashkernel.param", failing)).toEqual([]);
    expect(inhibitedBy([], "kdump.loaded", failing), "rules off: nothing is inhibited").toEqual([]);
  });
});
