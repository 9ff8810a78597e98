import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { memparse } from "./memparse.ts";

const K = 1024n;
const M = K * K;
const G = M * K;

describe("memparse", () => {
  test.each([
    ["256M", 256n * M, "", "M"],
    ["256m", 256n * M, "", "m"],
    ["1G", G, "", "G"],
    ["2g", 2n * G, "", "g"],
    ["4096", 4096n, "", null],
    ["64k", 64n * K, "", "k"],
    ["1T", 1024n * G, "", "T"],
    ["1p", 1024n * 1024n * G, "", "p"],
    ["1E", 1n << 60n, "", "E"],
    ["0x10M", 16n * M, "", "M"],
    ["0X1f", 31n, "", null],
    ["010M", 8n * M, "", "M"],
    ["08M", 0n, "8M", null],
    ["0", 0n, "", null],
    ["0x", 0n, "x", null],
    ["0xg", 0n, "xg", null],
    ["256MB", 256n * M, "B", "M"],
    ["1GiB", G, "iB", "G"],
    ["512M@16M", 512n * M, "@16M", "M"],
    ["192M,high", 192n * M, ",high", "M"],
    ["1G-4G:192M", G, "-4G:192M", "G"],
    ["M", 0n, "", "M"],
    ["auto", 0n, "auto", null],
    ["", 0n, "", null],
    [" 1G", 0n, " 1G", null],
    ["-1G", 0n, "-1G", null],
    ["18446744073709551616", 0n, "", null],
    ["16E", 0n, "", "E"],
    ["0x1E", 30n, "", null],
  ])("memparse(%j) = %s with rest %j", (input, value, rest, suffix) => {
    const r = memparse(input);
    expect(r.value, `value of ${input}`).toBe(value);
    expect(r.rest, `rest of ${input}`).toBe(rest);
    expect(r.suffix).toBe(suffix);
    expect(r.consumed).toBe(input.length - rest.length);
    expect(r.bytes).toBe(Number(value));
  });

  test("trap 5: memparse quirks – octal on a leading 0, hex 0x, one case-insensitive suffix, no suffix is bytes, MB/GiB leave text", () => {
    expect(memparse("0100M").value, "leading 0 is octal").toBe(64n * M);
    expect(memparse("100M").value, "no leading 0 is decimal").toBe(100n * M);
    expect(memparse("0x100M").value, "0x is hex").toBe(256n * M);
    expect(memparse("128").value, "no suffix means bytes, not MiB").toBe(128n);
    expect(memparse("128m").value).toBe(memparse("128M").value);
    expect(memparse("256MB").rest, "MB consumes only the M").toBe("B");
    expect(memparse("1GiB").rest).toBe("iB");
    expect(memparse("384-:128M").value, "Debian's 2016 unit bug: 384 bytes").toBe(384n);
  });

  test("a lone suffix letter is consumed without digits, as simple_strtoull + the switch do", () => {
    expect(memparse("K").consumed).toBe(1);
    expect(memparse("x").consumed).toBe(0);
  });

  test("agrees with BigInt on decimal, hex and octal numbers with any suffix", () => {
    const suffixes = ["", "K", "k", "M", "m", "G", "g", "T", "t", "P", "p", "E", "e"] as const;
    const shift: Record<string, bigint> = { "": 0n, K: 10n, M: 20n, G: 30n, T: 40n, P: 50n, E: 60n };
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.constantFrom("dec", "hex", "oct"),
        fc.constantFrom(...suffixes),
        (n, base, suffix) => {
          // after hex digits an E is one more digit, not the exa suffix
          fc.pre(!(base === "hex" && suffix.toUpperCase() === "E"));
          const digits =
            base === "dec" ? n.toString(10) : base === "hex" ? `0x${n.toString(16)}` : `0${n.toString(8)}`;
          const r = memparse(`${digits}${suffix}rest`);
          const expected = (n << (shift[suffix.toUpperCase()] ?? 0n)) & ((1n << 64n) - 1n);
          return r.value === expected && r.rest === "rest";
        },
      ),
    );
  });
});
