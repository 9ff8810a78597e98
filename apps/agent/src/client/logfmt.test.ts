import { describe, expect, test } from "vitest";
import { createLogfmtLogger, formatLogLine } from "./logfmt.ts";

describe("logfmt lines", () => {
  test.each([
    [
      "plain fields stay bare",
      formatLogLine("info", "connected", { hostId: "h1", heartbeatSec: 30 }),
      'level=info msg="connected" hostId=h1 heartbeatSec=30',
    ],
    [
      "values with spaces are quoted",
      formatLogLine("warn", "x", { reason: "going away" }),
      'level=warn msg="x" reason="going away"',
    ],
    [
      "quotes and backslashes are escaped",
      formatLogLine("info", 'say "hi"', { p: 'C:\\a"b' }),
      'level=info msg="say \\"hi\\"" p="C:\\\\a\\"b"',
    ],
    [
      "a newline from an untrusted server cannot start a forged line",
      formatLogLine("warn", "server error", { detail: "x\nlevel=info msg=forged" }),
      'level=warn msg="server error" detail="x\\nlevel=info msg=forged"',
    ],
    [
      "control characters are escaped",
      formatLogLine("info", "m", { v: "a\u0007b" }),
      'level=info msg="m" v="a\\u0007b"',
    ],
    [
      "undefined fields are left out, null is written",
      formatLogLine("info", "m", { a: undefined, b: null, c: "" }),
      'level=info msg="m" b=null c=""',
    ],
  ])("%s", (_name, line, expected) => {
    expect(line).toBe(expected);
    expect(line).not.toContain("\n");
  });

  test("the logger writes one line per event and drops levels below its minimum", () => {
    const lines: string[] = [];
    const log = createLogfmtLogger({ write: (l) => lines.push(l), minLevel: "info" });
    log.log("debug", "noise");
    log.log("info", "starting", { version: "1.0.0" });
    log.log("error", "bad");
    expect(lines).toEqual(['level=info msg="starting" version=1.0.0\n', 'level=error msg="bad"\n']);
  });
});
