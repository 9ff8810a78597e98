import {
  fill,
  HOSTILE_SHAPES,
  KIB,
  MEASURE,
  slowOnShape,
  TEXT_PARSERS,
  type TextParser,
  workRatio,
} from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";

// Every parser of packages/core (kernel and tools, found from its index by the testkit) must do work
// proportional to its input: a hostile host can send a megabyte of `$(`, quotes, backslashes,
// brackets, one huge line, CRLF or NUL, and a super-linear regex or loop would stall the judge. How
// work is measured, and why 64× the input may cost at most 1024× the work: @kdumpwatch/testkit's
// core/work-ratio.ts. No absolute time limit is asserted.
//
// The hostile shapes are measured in two files that run side by side, each in a process of its own
// on one of the two cores (the `core-alone` project, packages/core/vitest.alone.config.ts): this one
// the shapes at odd positions of HOSTILE_SHAPES, linear-time-generated.test.ts those at even
// positions and the generated inputs. Each file measures its own process's CPU time.

/** The shapes this file measures: every other one, starting with the second. */
const SHAPES = HOSTILE_SHAPES.filter((_, i) => i % 2 === 1);

describe("every parser in packages/core does work linear in its input", () => {
  test("the parsers are found from the package index (a new one is measured without being listed)", () => {
    const names = TEXT_PARSERS.map(([n]) => n);
    for (const expected of [
      "parseDmesg",
      "parseIomem",
      "evaluateCrashkernel",
      "parseKdumpConfigShow",
      "parseDf",
    ])
      expect(names).toContain(expected);
    expect(names.length).toBeGreaterThan(30);
  });

  test("the measure tells a quadratic pass from a linear one (so the limits below can fail)", () => {
    const linear: TextParser = (t) => {
      let h = 0;
      for (let i = 0; i < t.length; i++) h = (h * 31 + t.charCodeAt(i)) | 0;
      return h;
    };
    // every 256th character against every 256th character: (n/256)² steps
    const quadratic: TextParser = (t) => {
      let h = 0;
      for (let i = 0; i < t.length; i += 256)
        for (let j = 0; j < t.length; j += 256) h = (h + t.charCodeAt(i) * t.charCodeAt(j)) | 0;
      return h;
    };
    const make = (n: number) => fill("crashkernel=512M-:192M ", n);
    expect(workRatio(quadratic, make, { n: 16 * KIB, expected: "quadratic" })).toBeGreaterThan(MEASURE.limit);
    expect(workRatio(linear, make, { n: 16 * KIB })).toBeLessThanOrEqual(MEASURE.limit);
    // the quick first measurement of a parser expected to be linear does not let a quadratic one pass
    expect(workRatio(quadratic, make, { n: 16 * KIB })).toBeGreaterThan(MEASURE.limit);
    // and a quadratic parser fails a shape's test
    expect(slowOnShape([["quadratic", quadratic]], make)).toEqual([expect.stringMatching(/^quadratic ×\d/)]);
  });

  test("the two linear-time files measure every hostile shape between them", () => {
    expect(SHAPES.length).toBe(Math.floor(HOSTILE_SHAPES.length / 2));
    expect(HOSTILE_SHAPES.length).toBeGreaterThan(15);
  });

  // A failing shape is measured again, in full, up to twice more: garbage collection can still land
  // unevenly in one measurement, while a quadratic parser's ×4096 fails every time.
  test.each(SHAPES)(
    "%s: 1 MiB costs about 64× what 16 KiB does, for every parser",
    { timeout: 600_000, retry: 2 },
    (_shape, make) => {
      expect(slowOnShape(TEXT_PARSERS, make), `work ratio 1 MiB / 16 KiB above ${MEASURE.limit}`).toEqual([]);
    },
  );
});
