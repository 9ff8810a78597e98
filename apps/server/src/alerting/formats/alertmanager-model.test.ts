import { describe, expect, test } from "vitest";
import {
  compareAlertLabels,
  fingerprint,
  goQuote,
  labelSetBefore,
  labelSetString,
  rootGroupKey,
} from "./alertmanager-model.ts";

describe("Alertmanager's model", () => {
  // FNV-1a 64 of the empty input is the offset basis (hash/fnv, prometheus/common emptyLabelSignature)
  test("the empty label set has FNV-1a 64's offset basis as its fingerprint", () => {
    expect(fingerprint({})).toBe("cbf29ce484222325");
  });

  test("a fingerprint is computed from the sorted labels, independent of key order", () => {
    const a = fingerprint({ alertname: "KdumpCheckFailing", host_id: "h1", check: "kdump.loaded" });
    const b = fingerprint({ check: "kdump.loaded", host_id: "h1", alertname: "KdumpCheckFailing" });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint({ alertname: "KdumpCheckFailing", host_id: "h2", check: "kdump.loaded" })).not.toBe(a);
    // name and value are separated by 0xff: moving a character across the boundary changes it
    expect(fingerprint({ ab: "c" })).not.toBe(fingerprint({ a: "bc" }));
  });

  test("a label set prints as Go's LabelSet.String: sorted pairs, %q-quoted values", () => {
    expect(labelSetString({ check: "kdump.loaded", alertname: "KdumpCheckFailing" })).toBe(
      '{alertname="KdumpCheckFailing", check="kdump.loaded"}',
    );
    expect(rootGroupKey({ alertname: "A", check: "c" })).toBe('{}:{alertname="A", check="c"}');
  });

  test.each([
    ['say "hi"', '"say \\"hi\\""'],
    ["back\\slash", '"back\\\\slash"'],
    ["tab\there", '"tab\\there"'],
    ["bell\u0007", '"bell\\a"'],
    ["del\u007f", '"del\\x7f"'],
    ["héllo", '"héllo"'],
  ])("%j quotes as Go's %%q: %s", (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });

  test("alerts sort like AlertSlice: job, instance, then fewer labels, then the first differing pair", () => {
    expect(compareAlertLabels({ job: "a" }, { job: "b" })).toBeLessThan(0);
    expect(compareAlertLabels({ job: "a", x: "1" }, { x: "0" }), "one with job first").toBeLessThan(0);
    expect(labelSetBefore({ a: "1" }, { a: "1", b: "2" }), "fewer labels first").toBe(true);
    expect(labelSetBefore({ host: "web-2" }, { host: "web-10" }), "byte order, not numeric").toBe(false);
    expect(labelSetBefore({ a: "x" }, { b: "x" }), "a label the other lacks").toBe(false);
  });
});
