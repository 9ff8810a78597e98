import { describe, expect, test } from "vitest";
import { CappedBuffer } from "./capped-buffer.ts";

const bytes = (s: string) => Buffer.from(s, "utf8");

describe("CappedBuffer", () => {
  test("text under the cap is kept whole and not flagged", () => {
    const b = new CappedBuffer(100);
    expect(b.push(bytes("a\nb\n"))).toBe(true);
    expect([b.text(), b.truncated]).toEqual(["a\nb\n", false]);
  });

  test("text of exactly the cap is not truncated", () => {
    const b = new CappedBuffer(4);
    b.push(bytes("a\nb\n"));
    expect([b.text(), b.truncated]).toEqual(["a\nb\n", false]);
  });

  test("tail mode keeps a first line that starts exactly at the cut", () => {
    const b = new CappedBuffer(8, "tail");
    for (let i = 0; i < 50; i++) b.push(bytes(`l${i}\n`));
    expect(b.text()).toBe("l48\nl49\n");
  });

  test("head mode refuses more input once full and drops the partial last line", () => {
    const b = new CappedBuffer(10);
    expect(b.push(bytes("line1\nline2\nline3\n")), "full: the reader may stop").toBe(false);
    expect([b.text(), b.truncated]).toEqual(["line1\n", true]);
  });

  test("tail mode keeps the last bytes and drops the partial first line", () => {
    const b = new CappedBuffer(10, "tail");
    for (let i = 0; i < 50; i++) expect(b.push(bytes(`l${i}\n`))).toBe(true);
    // the last 10 bytes are "7\nl48\nl49\n": the partial "7" line goes
    expect([b.text(), b.truncated]).toEqual(["l48\nl49\n", true]);
  });
});
