import { describe, expect, test } from "vitest";
import arm64Pair from "../../../fixtures/cmdline/arm64-high-low-pair.txt?raw";
import rhel6Empty from "../../../fixtures/cmdline/rhel6-empty-crashkernel-value.txt?raw";
import rhel7Auto from "../../../fixtures/cmdline/rhel7-crashkernel-auto.txt?raw";
import ubuntu2004 from "../../../fixtures/cmdline/ubuntu-2004-hwe-512M-192M.txt?raw";
import ubuntu2604 from "../../../fixtures/cmdline/ubuntu-2604-default-range.txt?raw";
import { tokenizeCmdline } from "./tokenize-cmdline.ts";

function pairs(text: string): [string, string | null][] {
  return tokenizeCmdline(text).value.tokens.map((t) => [t.key, t.value]);
}

describe("tokenizeCmdline", () => {
  test.each<[string, [string, string | null][]]>([
    [
      "ro quiet",
      [
        ["ro", null],
        ["quiet", null],
      ],
    ],
    [
      "root=UUID=70b5 ro",
      [
        ["root", "UUID=70b5"],
        ["ro", null],
      ],
    ],
    [
      'dyndbg="file a.c +p" quiet',
      [
        ["dyndbg", "file a.c +p"],
        ["quiet", null],
      ],
    ],
    [
      '"foo=bar baz" x',
      [
        ["foo", "bar baz"],
        ["x", null],
      ],
    ],
    [
      "a=\tb",
      [
        ["a", ""],
        ["b", null],
      ],
    ],
    [
      "  lead   trail  \n",
      [
        ["lead", null],
        ["trail", null],
      ],
    ],
    [
      "crashkernel=  rhgb",
      [
        ["crashkernel", ""],
        ["rhgb", null],
      ],
    ],
    [
      "LANG=en_GB.utf8 msg=grüße ünï=ok",
      [
        ["LANG", "en_GB.utf8"],
        ["msg", "grüße"],
        ["ünï", "ok"],
      ],
    ],
    ["=x=y", [["=x", "y"]]],
    ['x="', [["x", ""]]],
    ["", []],
  ])("%j", (line, expected) => {
    expect(pairs(line)).toEqual(expected);
  });

  test("trap 23: a quoted value with spaces is one token and UTF-8 passes through", () => {
    const r = tokenizeCmdline('console=ttyS0 dyndbg="module usbcore +p; file ü.c +p" crashkernel=512M-:192M');
    expect(r.value.tokens.map((t) => t.raw)).toEqual([
      "console=ttyS0",
      'dyndbg="module usbcore +p; file ü.c +p"',
      "crashkernel=512M-:192M",
    ]);
    expect(r.value.tokens[1]?.value).toBe("module usbcore +p; file ü.c +p");
    expect(r.issues).toEqual([]);
  });

  test("an unterminated quote runs to the end of the line and is reported", () => {
    const r = tokenizeCmdline('a="b c d');
    expect(r.value.tokens).toHaveLength(1);
    expect(r.value.tokens[0]?.value).toBe("b c d");
    expect(r.issues.map((i) => i.code)).toContain("unterminated-quote");
  });

  test("arguments after a bare -- go to init and are marked so", () => {
    const r = tokenizeCmdline("ro quiet -- single emergency");
    expect(r.value.tokens.map((t) => [t.key, t.init])).toEqual([
      ["ro", false],
      ["quiet", false],
      ["single", true],
      ["emergency", true],
    ]);
  });

  test("trap 22: a command line at the 2047-byte kernel limit is flagged (bytes, not characters)", () => {
    const under = `ro ${"x".repeat(2040)}`; // 2043 bytes
    expect(tokenizeCmdline(under).value.atSizeLimit).toBe(false);
    const at = `ro ${"x".repeat(2044)}`; // 2047 bytes: the most the kernel keeps
    const r = tokenizeCmdline(at);
    expect(r.value.byteLength).toBe(2047);
    expect(r.value.atSizeLimit).toBe(true);
    expect(r.issues.map((i) => i.code)).toContain("cmdline-size-limit");
    const multibyte = `ro ${"ü".repeat(1022)}`; // 3 + 2044 bytes, only 1025 characters
    expect(tokenizeCmdline(multibyte).value.atSizeLimit).toBe(true);
  });

  test("CRLF, a trailing newline and U+FFFD are survived; U+FFFD is reported", () => {
    const r = tokenizeCmdline("ro quiet\uFFFD x=1\r\n");
    expect(r.value.tokens.map((t) => t.raw)).toEqual(["ro", "quiet\uFFFD", "x=1"]);
    expect(r.issues.map((i) => i.code)).toEqual(["invalid-utf8"]);
  });

  test.each<[string, string, number, [string, string | null]]>([
    ["ubuntu-2004-hwe-512M-192M", ubuntu2004, 10, ["crashkernel", "512M-:192M"]],
    [
      "ubuntu-2604-default-range",
      ubuntu2604,
      6,
      ["crashkernel", "2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M"],
    ],
    ["rhel7-crashkernel-auto", rhel7Auto, 9, ["crashkernel", "auto"]],
    ["rhel6-empty-crashkernel-value", rhel6Empty, 5, ["crashkernel", ""]],
    ["arm64-high-low-pair", arm64Pair, 7, ["crashkernel", "128M,low"]],
  ])("fixture %s: token count and the last crashkernel token", (_name, text, count, crash) => {
    const r = tokenizeCmdline(text);
    expect(r.value.tokens).toHaveLength(count);
    const last = r.value.tokens.filter((t) => t.key === crash[0]).at(-1);
    expect(last && [last.key, last.value]).toEqual(crash);
    expect(r.issues).toEqual([]);
  });
});
