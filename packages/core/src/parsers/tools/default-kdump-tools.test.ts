import { describe, expect, test } from "vitest";
import debian110 from "../../../fixtures/other/etc-default-kdump-tools-active-lines-debian-1.10.txt?raw";
import ubuntu1404 from "../../../fixtures/other/etc-default-kdump-tools-ubuntu-1404-excerpt.txt?raw";
import { parseDefaultKdumpTools } from "./default-kdump-tools.ts";

describe("parseDefaultKdumpTools", () => {
  test("Debian 1.10 template: enabled, defaults for everything commented out", () => {
    const { value, issues } = parseDefaultKdumpTools(debian110);
    expect(issues).toEqual([]);
    expect(value.enabled).toBe(true);
    expect(value.useKdump).toEqual({ line: 1, text: "USE_KDUMP=1", value: "1" });
    expect(value.coredir).toEqual({
      value: "/var/crash",
      fromFile: true,
      line: 4,
      text: 'KDUMP_COREDIR="/var/crash"',
    });
    expect(value.kernel.value).toBe("/var/lib/kdump/vmlinuz");
    expect(value.initrd.value).toBe("/var/lib/kdump/initrd.img");
    expect(value.numDumps).toEqual({ value: "0", fromFile: false, line: null, text: null });
    expect(value.numDumpsCount).toBe(0);
    expect(value.hosttag.value).toBe("ip");
    expect(value.remoteTargets).toEqual([]);
  });

  test("Ubuntu 14.04 excerpt: USE_KDUMP=0 with a trailing blank is disabled", () => {
    const { value } = parseDefaultKdumpTools(ubuntu1404);
    expect(value.enabled).toBe(false);
    expect(value.useKdump?.value).toBe("0");
    expect(value.kdumpSysctl.fromFile).toBe(false);
  });

  test.each([
    ["missing", "", false],
    ["empty", "USE_KDUMP=", false],
    ["quoted zero", 'USE_KDUMP="0"', false],
    ["one", "export USE_KDUMP=1", true],
    ["later assignment wins", "USE_KDUMP=1\nUSE_KDUMP=0", false],
  ])("USE_KDUMP %s", (_n, text, enabled) => {
    expect(parseDefaultKdumpTools(text).value.enabled).toBe(enabled);
  });

  test("remote targets, an empty KDUMP_COREDIR falling back to /var/crash, and the FTP password redacted", () => {
    const text =
      'KDUMP_COREDIR=""\nSSH="kdump@backup"\nNFS=nas:/crash\nFTP=ftp01:/in\nFTP_PASSWORD="s3cret"\nKDUMP_NUM_DUMPS=3\n';
    const { value } = parseDefaultKdumpTools(text);
    expect(value.coredir.value).toBe("/var/crash");
    expect(value.coredir.fromFile).toBe(false);
    expect(value.remoteTargets.map((t) => [t.kind, t.target])).toEqual([
      ["ssh", "kdump@backup"],
      ["nfs", "nas:/crash"],
      ["ftp", "ftp01:/in"],
    ]);
    expect(value.ftpPasswordSet).toBe(true);
    expect(JSON.stringify(value)).not.toContain("s3cret");
    expect(value.sshKey.value).toBe("/root/.ssh/kdump_id_rsa");
    expect(value.numDumpsCount).toBe(3);
  });
});
