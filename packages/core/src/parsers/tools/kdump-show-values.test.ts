import { describe, expect, test } from "vitest";
import type { ParseIssue } from "../issue.ts";
import { parseAddrLine, parseKexecBlock, parseState, parseSuggested } from "./kdump-show-values.ts";

const src = (text: string) => ({ line: 7, text });

describe("kdump-config show line values", () => {
  test.each([
    ["", "empty", []],
    ["0x", "zeroed", [null]],
    ["0x5f000000", "reserved", [0x5f000000]],
    ["bogus", "empty", []],
  ])("crashkernel addr %j", (val, state, starts) => {
    const issues: ParseIssue[] = [];
    const a = parseAddrLine(src(`crashkernel addr: ${val}`), val, issues);
    expect([a.state, a.addresses.map((x) => x.start)]).toEqual([state, starts]);
    expect(issues.length).toBe(val === "bogus" ? 1 : 0);
  });

  test.each([
    ["ready to kdump", { ready: true, mode: "kdump" }],
    ["Not ready to fadump", { ready: false, mode: "fadump" }],
    ["maybe", null],
  ])("state %j", (val, want) => {
    expect(parseState(src(val), val, [])?.value ?? null).toEqual(want);
  });

  test.each([
    ["371M", { bytes: 371 * 1024 * 1024, unknownReason: null }],
    [
      "Unknown (zero-sized decompressed initrd size)",
      { bytes: null, unknownReason: "zero-sized decompressed initrd size" },
    ],
  ])("suggested size %j", (val, want) => {
    expect(parseSuggested(src(val), val, []).value).toEqual(want);
  });

  test("kexec block: 'no kexec command recorded' is not a command; -s marks kexec_file_load", () => {
    expect(parseKexecBlock(src("kexec command:"), [src("  no kexec command recorded")]).recorded).toBe(false);
    const b = parseKexecBlock(src("kexec command:"), [src("  /sbin/kexec -p -s --initrd=/x /y")]);
    expect([b.recorded, b.fileLoad, b.historical, b.command]).toEqual([
      true,
      true,
      true,
      "/sbin/kexec -p -s --initrd=/x /y",
    ]);
    expect(parseKexecBlock(src("kexec command:"), [src("  /sbin/kexec -p --args-linux /y")]).fileLoad).toBe(
      false,
    );
  });
});
