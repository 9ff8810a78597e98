import {
  anyText,
  fill,
  HOSTILE_SHAPES,
  KIB,
  MEASURE,
  TEXT_PARSERS as PARSERS,
  slowOnShape,
  workRatio,
} from "@kdumpwatch/testkit/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";

// The other half of linear-time.test.ts (which says why the work is split and how it is measured):
// the hostile shapes at even positions of HOSTILE_SHAPES, and generated hostile inputs.

/** The shapes this file measures: every other one, starting with the first. */
const SHAPES = HOSTILE_SHAPES.filter((_, i) => i % 2 === 0);

/** The generated test's seed, fixed for this file's run so that its retries measure the same inputs. */
const GENERATED_SEED = Math.floor(Math.random() * 0x7fffffff);

describe("every parser in packages/core does work linear in its input (the other half)", () => {
  // A failing shape is measured again, in full, up to twice more (as in linear-time.test.ts).
  test.each(SHAPES)(
    "%s: 1 MiB costs about 64× what 16 KiB does, for every parser",
    { timeout: 600_000, retry: 2 },
    (_shape, make) => {
      expect(slowOnShape(PARSERS, make), `work ratio 1 MiB / 16 KiB above ${MEASURE.limit}`).toEqual([]);
    },
  );

  // Generated units are short and the inputs smaller (2 KiB to 128 KiB), where garbage collection and
  // timer noise weigh more; the same 64× and limit apply. A failure is measured again up to twice, on
  // the same generated inputs (one seed for the file's run), so a real counterexample fails all three times.
  test("generated hostile inputs: 64× the input, at most 1024× the work", {
    timeout: 600_000,
    retry: 2,
  }, () => {
    const fragment = fc.oneof(
      fc.constantFrom("$(", "`", '"', "'", "\\", "(", ")", "[", "]", "{", "}", "<", ">", "\r\n", "\n", "\0"),
      fc.constantFrom("crashkernel=", "=", ":", ",", "-", "@", " ", "\t", "#", "0x", "ffffffff", "M", "kB"),
      anyText({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(fragment, { minLength: 1, maxLength: 8 }), (parts) => {
        const unit = parts.join("");
        fc.pre(unit.length > 0);
        for (const [name, parse] of PARSERS) {
          const ratio = workRatio(parse, (n) => fill(unit, n), { n: 2 * KIB });
          expect(ratio, `${name} on ${JSON.stringify(unit)}`).toBeLessThanOrEqual(MEASURE.limit);
        }
      }),
      { numRuns: 6, seed: GENERATED_SEED },
    );
  });
});
