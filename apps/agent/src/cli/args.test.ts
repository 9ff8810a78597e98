import { describe, expect, test } from "vitest";
import { parseCommandLine } from "./args.ts";

describe("parseCommandLine", () => {
  test.each([
    [["check"], { command: "check", roots: [], json: false }],
    [["check", "--json"], { command: "check", roots: [], json: true }],
    [["check", "--root", "/tmp/cap", "--json"], { command: "check", roots: ["/tmp/cap"], json: true }],
    [["check", "--root=/tmp/cap"], { command: "check", roots: ["/tmp/cap"], json: false }],
    [
      ["check", "--root", "/b", "--json", "--root=/a,x", "--root", "/b"],
      { command: "check", roots: ["/b", "/a,x", "/b"], json: true },
    ],
    [["collect"], { command: "collect", root: null, out: null }],
    [
      ["collect", "--out", "/tmp/o", "--root", "/tmp/r"],
      { command: "collect", root: "/tmp/r", out: "/tmp/o" },
    ],
    [["run", "--server", "ws://x", "--once"], { command: "run", argv: ["--server", "ws://x", "--once"] }],
    [["--version"], { command: "version" }],
    [["--help"], { command: "help", topic: [] }],
    [["help", "check"], { command: "help", topic: ["check"] }],
    [["check", "--help"], { command: "help", topic: ["check"] }],
  ])("%j is understood", (argv, invocation) => {
    expect(parseCommandLine(argv)).toEqual({ ok: true, invocation });
  });

  test.each([
    [[], /no command/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["--json"], /unknown option '--json' \(options come after the command\)/],
    [["check", "--bogus"], /check: unknown option '--bogus'/],
    [["check", "extra"], /check: unexpected argument 'extra'/],
    [["check", "--root"], /check: option '--root DIR' needs a value/],
    [["check", "--root", "--json"], /check: option '--root DIR' needs a value/],
    [["check", "--root", ""], /--root needs a directory/],
    [["check", "--root", "/a", "--root="], /check: --root needs a directory/],
    [["check", "--root", "/a", "--root"], /check: option '--root DIR' needs a value/],
    [["collect", "--json"], /collect: unknown option '--json'/],
    [["collect", "--root", "/a", "--root", "/b"], /collect: option '--root' given more than once/],
    [["collect", "--out", "/a", "--out=/b"], /collect: option '--out' given more than once/],
    [["--version", "x"], /unexpected argument 'x'/],
    [["help", "nope"], /no help for 'nope'/],
    [["check", "--json=yes"], /check: option '--json' takes no value/],
  ])("%j is a usage error with a message that names the problem", (argv, message) => {
    const parsed = parseCommandLine(argv);
    expect(parsed.ok, JSON.stringify(parsed)).toBe(false);
    expect(parsed.ok ? "" : parsed.message).toMatch(message);
  });
});
