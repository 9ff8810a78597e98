import { describe, expect, test } from "vitest";
import { createSourceContext } from "./source-context.ts";

describe("createSourceContext", () => {
  const snapshot = {
    sources: {
      cmdline: { ok: true as const, text: "ro quiet\n" },
      iomem: { ok: false as const, error: "permission" as const },
    },
    collectedAt: "2024-09-04T12:00:00Z",
  };

  test("parses a read source once and records its issues with line numbers", () => {
    const ctx = createSourceContext(snapshot);
    let calls = 0;
    const parser = (text: string) => {
      calls++;
      return { value: text.trim(), issues: [{ line: 1, code: "x", message: "odd token" }] };
    };
    expect(ctx.parse("cmdline", parser)).toBe("ro quiet");
    expect(ctx.parse("cmdline", parser)).toBe("ro quiet");
    expect(calls, "second parse comes from the cache").toBe(1);
    expect(ctx.issues).toEqual(["cmdline:1: odd token"]);
  });

  test("an unreadable source parses to null without calling the parser", () => {
    const ctx = createSourceContext(snapshot);
    expect(ctx.parse("iomem", () => ({ value: 1, issues: [] }))).toBeNull();
    expect(ctx.text("iomem")).toBeNull();
  });

  test("a parser that throws is contained: null value, source listed as unparsed", () => {
    const ctx = createSourceContext(snapshot);
    const value = ctx.parse("cmdline", () => {
      throw new Error("boom");
    });
    expect(value).toBeNull();
    expect(ctx.unparsed).toEqual(["cmdline"]);
    expect(ctx.issues).toEqual(["cmdline: parser failed: boom"]);
  });
});
