import { describe, expect, test } from "vitest";
import { cleanWireText } from "./clean-text.ts";
import { AgentMessageSchema } from "./wire.ts";

const R = "\uFFFD";

describe("cleanWireText", () => {
  test.each([
    ["NUL", "a\u0000b", `a${R}b`],
    ["only NULs", "\u0000\u0000", `${R}${R}`],
    ["lone high surrogate", "a\uD800b", `a${R}b`],
    ["lone high surrogate at the end", "ab\uDBFF", `ab${R}`],
    ["lone low surrogate", "a\uDC00b", `a${R}b`],
    ["low before high (both lone)", "\uDC00\uD800", `${R}${R}`],
    ["two highs then a low: the first is lone", "\uD83D\uD83D\uDE00", `${R}\uD83D\uDE00`],
    ["astral (a pair) is kept", "crash 💥 𝔘", "crash 💥 𝔘"],
    [
      "C0 controls but NUL are kept",
      "\u0001\u0007\t\n\r\u001b[31m\u001f",
      "\u0001\u0007\t\n\r\u001b[31m\u001f",
    ],
    ["C1 controls are kept", "\u0080\u0085\u009b\u009f", "\u0080\u0085\u009b\u009f"],
    ["noncharacters are kept", "\uFDD0\uFFFE\uFFFF", "\uFDD0\uFFFE\uFFFF"],
    ["bidi marks are kept", "\u200E\u200F\u202E\u2066abc\u2069", "\u200E\u200F\u202E\u2066abc\u2069"],
    ["U+FFFD is kept", `x${R}y`, `x${R}y`],
    ["plain text is the same string", "kernel 6.8.0", "kernel 6.8.0"],
  ])("%s", (_what, input, expected) => {
    const out = cleanWireText(input);
    expect(out).toBe(expected);
    expect(out.length, "UTF-16 length kept").toBe(input.length);
    expect(out.includes("\u0000")).toBe(false);
  });

  test("every string of an agent frame is cleaned: names, labels, source names and texts", () => {
    const dirty = "h\u0000st\uD800";
    const clean = `h${R}st${R}`;
    const hello = AgentMessageSchema.parse({
      v: 1,
      type: "hello",
      agentVersion: dirty,
      machineId: dirty,
      hostname: dirty,
      labels: { [dirty]: dirty },
      auth: { kind: "enroll", token: "t" },
    });
    expect(hello).toMatchObject({
      agentVersion: clean,
      machineId: clean,
      hostname: clean,
      labels: { [clean]: clean },
    });
    const snapshot = AgentMessageSchema.parse({
      v: 1,
      type: "snapshot",
      seq: 1,
      hash: dirty,
      snapshot: {
        collectedAt: dirty,
        sources: {
          [dirty]: { ok: true, text: dirty, via: dirty },
          other: { ok: false, error: "missing", detail: dirty },
        },
      },
    });
    expect(snapshot).toMatchObject({
      hash: clean,
      snapshot: {
        collectedAt: clean,
        sources: { [clean]: { ok: true, text: clean, via: clean }, other: { detail: clean } },
      },
    });
  });
});
