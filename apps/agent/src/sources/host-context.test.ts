import { describe, expect, test } from "vitest";
import { deriveHostContext } from "./host-context.ts";

describe("deriveHostContext", () => {
  test.each([
    ["the shipped default", 'KDUMP_COREDIR="/var/crash"\n', "/var/crash"],
    ["an unquoted value with a trailing comment", "KDUMP_COREDIR=/srv/crash # big disk\n", "/srv/crash"],
    ["single quotes and a trailing slash", "KDUMP_COREDIR='/data/dumps/'\n", "/data/dumps"],
    [
      "the last assignment wins, comments ignored",
      "KDUMP_COREDIR=/a\n#KDUMP_COREDIR=/b\nKDUMP_COREDIR=/c\n",
      "/c",
    ],
    ["no assignment at all", "USE_KDUMP=1\n", "/var/crash"],
    ["a relative path is not trusted", "KDUMP_COREDIR=crash\n", "/var/crash"],
    ["a path with .. is normalised", "KDUMP_COREDIR=/var/crash/../dumps\n", "/var/dumps"],
  ])("Debian: %s", (_name, text, dumpDir) => {
    expect(deriveHostContext(text, null)).toEqual({ family: "debian", dumpDir, dfTarget: dumpDir });
  });

  test.each([
    ["the generated default", "auto_reset_crashkernel yes\npath /var/crash\n", "/var/crash"],
    ["an inline comment", "nfs4 10.209.136.62:/kdumps\npath /kdump/raw #some path stuff\n", "/kdump/raw"],
    ["a commented-out path", "#path /nope\n", "/var/crash"],
  ])("EL kdump.conf: %s", (_name, text, dumpDir) => {
    expect(deriveHostContext(null, text)).toEqual({ family: "el", dumpDir, dfTarget: dumpDir });
  });

  test.each([
    ["a file:// URL", 'KDUMP_SAVEDIR="file:///var/crash"\n', "/var/crash"],
    ["a plain path", 'KDUMP_SAVEDIR="/srv/dumps"\n', "/srv/dumps"],
    ["a remote target keeps the default", 'KDUMP_SAVEDIR="nfs://10.180.32.148/share/kdump"\n', "/var/crash"],
  ])("SUSE /etc/sysconfig/kdump: %s", (_name, text, dumpDir) => {
    expect(deriveHostContext(null, null, text)).toEqual({ family: "unknown", dumpDir, dfTarget: dumpDir });
  });

  test("an EL host's kdump.conf wins over its /etc/sysconfig/kdump", () => {
    expect(deriveHostContext(null, "path /el\n", 'KDUMP_SAVEDIR="/suse"\n').dumpDir).toBe("/el");
  });

  test("Debian's file wins when both exist, and neither means /var/crash with unknown tooling", () => {
    expect(deriveHostContext("KDUMP_COREDIR=/a\n", "path /b\n").dumpDir).toBe("/a");
    expect(deriveHostContext(null, null)).toEqual({
      family: "unknown",
      dumpDir: "/var/crash",
      dfTarget: "/var/crash",
    });
  });
});
