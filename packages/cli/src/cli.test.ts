import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { renderHelp } from "./help.ts";
import { renderManPages } from "./man.ts";
import { parseCommandLine } from "./parse.ts";
import type { CliProgram } from "./spec.ts";

const program: CliProgram = {
  name: "demo",
  version: "1.2.3",
  section: "8",
  summary: "a demo program",
  description: ["Demo -- with a .dot line start and a back\\slash."],
  defaultCommand: "serve",
  commands: [
    {
      name: "serve",
      summary: "serve",
      description: ["Serves."],
      options: [{ name: "port", value: "N", help: "port", env: "PORT" }],
    },
    {
      name: "token",
      summary: "manage tokens",
      description: ["Tokens."],
      options: [],
      commands: [
        {
          name: "list",
          summary: "list tokens",
          description: ["Lists."],
          options: [{ name: "json", help: "as JSON" }],
        },
        {
          name: "revoke",
          summary: "revoke a token",
          description: ["Revokes."],
          options: [],
          arguments: [{ name: "ID", help: "the token id" }],
        },
        {
          name: "purge",
          summary: "purge tokens",
          description: ["Purges."],
          options: [],
          arguments: [{ name: "ID...", help: "token ids", variadic: true }],
        },
      ],
    },
  ],
  exits: [{ code: 0, meaning: "ok" }],
  source: "demo 1.2.3",
};

describe("parseCommandLine", () => {
  test.each([
    [[], { ok: true, kind: "command", path: ["serve"], values: {}, args: [] }],
    [["--port", "80"], { ok: true, kind: "command", path: ["serve"], values: { port: "80" }, args: [] }],
    [
      ["serve", "--port=81"],
      { ok: true, kind: "command", path: ["serve"], values: { port: "81" }, args: [] },
    ],
    [
      ["token", "list", "--json"],
      { ok: true, kind: "command", path: ["token", "list"], values: { json: true }, args: [] },
    ],
    [
      ["token", "revoke", "t1"],
      { ok: true, kind: "command", path: ["token", "revoke"], values: {}, args: ["t1"] },
    ],
    [
      ["token", "purge", "t1", "t2", "t3"],
      { ok: true, kind: "command", path: ["token", "purge"], values: {}, args: ["t1", "t2", "t3"] },
    ],
    [
      ["token", "revoke", "--", "-t1"],
      { ok: true, kind: "command", path: ["token", "revoke"], values: {}, args: ["-t1"] },
    ],
    [["token", "--help"], { ok: true, kind: "help", path: ["token"] }],
    [["token", "list", "-h"], { ok: true, kind: "help", path: ["token", "list"] }],
    [["help", "token", "revoke"], { ok: true, kind: "help", path: ["token", "revoke"] }],
    [["--help"], { ok: true, kind: "help", path: [] }],
    [["--version"], { ok: true, kind: "version" }],
  ])("%j is understood", (argv, expected) => {
    expect(parseCommandLine(program, argv)).toEqual(expected);
  });

  test.each([
    [["token"], "token: expected one of: list, revoke, purge"],
    [["token", "nope"], "token: unknown command 'nope' (expected one of: list, revoke, purge)"],
    [["token", "purge"], "token purge: missing ID..."],
    [["token", "revoke"], "token revoke: missing ID"],
    [["token", "revoke", "a", "b"], "token revoke: unexpected argument 'b'"],
    [["token", "list", "--json=1"], "token list: option '--json' takes no value"],
    [["--port"], "serve: option '--port N' needs a value"],
    [["--port", "80", "--port=81"], "serve: option '--port' given more than once"],
    [["--bogus"], "serve: unknown option '--bogus'"],
    [["frob"], "unknown command 'frob'"],
    [["help", "frob"], "no help for 'frob'; commands: serve, token"],
  ])("%j is refused: %s", (argv, message) => {
    expect(parseCommandLine(program, argv)).toMatchObject({ ok: false, message });
  });
});

describe("help and manual pages come from the same definition", () => {
  test("--help of a command lists its options with their environment variable", () => {
    const text = renderHelp(program, ["serve"]);
    expect(text).toContain("Usage: demo serve [--port N]");
    expect(text).toMatch(/--port N +port \(env PORT\)/);
    expect(text).toMatch(/-h, --help +show this help and exit/);
  });

  test("one page per program and per command, each clean for man --warnings", () => {
    const pages = renderManPages(program, "2026-01-21");
    expect(pages.map((p) => p.file)).toEqual([
      "demo.8",
      "demo-serve.8",
      "demo-token.8",
      "demo-token-list.8",
      "demo-token-revoke.8",
      "demo-token-purge.8",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "kdw-man-"));
    try {
      for (const page of pages) {
        const file = join(dir, page.file);
        writeFileSync(file, page.text);
        const r = spawnSync("man", ["--warnings", "-E", "UTF-8", "-l", file], {
          encoding: "utf8",
          env: { ...process.env, MANWIDTH: "80", MAN_KEEP_STDERR: "1" },
        });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr, page.file).toBe("");
        expect(r.stdout).toContain(page.file.replace(/\.8$/, "").toUpperCase());
      }
      expect(pages[0]?.text).toContain("Demo \\-\\- with a .dot line start and a back\\eslash.");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
