import { describe, expect, test } from "vitest";
import { selectLogLines, splitLogLine } from "./log-select.ts";

describe("splitLogLine reads the identifier of every log prefix a capture holds", () => {
  test.each([
    ["Oct 24 18:58:21 ip-172-31-18-67 kdumpctl[812]: No memory reserved for crash kernel.", "kdumpctl"],
    ["9月 17 16:52:18 localhost.localdomain kdumpctl[5822]: kexec: loaded kdump kernel", "kdumpctl"],
    ["2024-01-21T06:59:11+0000 host kdump-tools[5348]: loaded kdump kernel", "kdump-tools"],
    ["Feb  8 10:27:40.729033 kdumpctl[940]: kdump: Starting kdump: [FAILED]", "kdumpctl"],
    ["[   78.796793] kdump-tools[493]: Starting kdump-tools:", "kdump-tools"],
    ["[    0.000000] myhost kernel: Command line: BOOT_IMAGE=/vmlinuz", "kernel"],
    ["May 26 02:06:45 localhost kernel: [   52.117456] Error: Driver 'pcspkr'", "kernel"],
    ["[    0.000000] Command line: BOOT_IMAGE=/vmlinuz crashkernel=512M", null],
    ["kdump: Kdump is operational", null],
    ["kdumpctl[3435]: kdump: kexec: failed to load kdump kernel", "kdumpctl"],
    [
      "Aug 31 12:56:34.928341 kdump.service[1360]: kdump: kexec: failed to load kdump kernel",
      "kdump.service",
    ],
  ])("%s → %s", (line, ident) => {
    expect(splitLogLine(line).ident).toBe(ident);
  });
});

const JOURNAL = [
  "-- Logs begin at Mon 2016-10-24 18:50:01 UTC, end at Mon 2016-10-24 19:10:01 UTC. --",
  "Oct 24 18:50:02 h kernel: Linux version 3.10.0-327.el7.x86_64",
  "Oct 24 18:50:12 h kdumpctl[700]: Starting kdump: [FAILED]",
  "-- Reboot --",
  "Oct 24 18:58:01 h kernel: Linux version 3.10.0-327.el7.x86_64",
  "Oct 24 18:58:01 h kernel: Command line: BOOT_IMAGE=/vmlinuz ro",
  "Oct 24 18:58:21 h systemd[1]: Starting Crash recovery kernel arming...",
  "Oct 24 18:58:21 h systemd[1]: Failed to start Docker Storage Setup.",
  "Oct 24 18:58:21 h kdumpctl[812]: No memory reserved for crash kernel.",
  "Oct 24 18:58:21 h systemd[1]: kdump.service: main process exited, code=exited, status=1/FAILURE",
  "Oct 24 18:58:21 h sshd[900]: Server listening on 0.0.0.0 port 22.",
].join("\n");

describe("selectLogLines keeps the last boot's lines of one kind, verbatim", () => {
  test("the kdump pick keeps the tools' lines and systemd's lines about the kdump unit only", () => {
    const { text, bootStartSeen } = selectLogLines(JOURNAL, "kdump");
    expect(bootStartSeen).toBe(true);
    expect(text).toBe(
      [
        "Oct 24 18:58:21 h systemd[1]: Starting Crash recovery kernel arming...",
        "Oct 24 18:58:21 h kdumpctl[812]: No memory reserved for crash kernel.",
        "Oct 24 18:58:21 h systemd[1]: kdump.service: main process exited, code=exited, status=1/FAILURE",
        "",
      ].join("\n"),
    );
  });

  test("the unit name as identifier and trimmed `ident[pid]:` lines count as kdump lines, kdumpwatch's own do not", () => {
    const text = [
      "Aug 31 12:56:34.928341 kdump.service[1360]: kdump: kexec: failed to load kdump kernel",
      'audit[5892]: AVC avc:  denied  { read } for  pid=5892 comm="kexec"',
      "kdumpctl[3435]: kdump: Starting kdump: [FAILED]",
      "Aug 31 12:57:00 h kdumpwatch-agent[77]: check failed: not ready",
    ].join("\n");
    expect(selectLogLines(text, "kdump").text.split("\n").filter(Boolean)).toEqual([
      "Aug 31 12:56:34.928341 kdump.service[1360]: kdump: kexec: failed to load kdump kernel",
      "kdumpctl[3435]: kdump: Starting kdump: [FAILED]",
    ]);
  });

  test("a failure logged in an earlier boot is not part of the last boot", () => {
    expect(selectLogLines(JOURNAL, "kdump").text).not.toContain("kdumpctl[700]");
  });

  test("the kernel pick keeps the kernel's lines of the last boot", () => {
    expect(selectLogLines(JOURNAL, "kernel").text.split("\n").filter(Boolean)).toEqual([
      "Oct 24 18:58:01 h kernel: Linux version 3.10.0-327.el7.x86_64",
      "Oct 24 18:58:01 h kernel: Command line: BOOT_IMAGE=/vmlinuz ro",
    ]);
  });

  test("a syslog file's boots are told apart by the kernel's Linux version line", () => {
    const messages = [
      "May 26 02:06:09 localhost kernel: [    0.000000] Linux version 6.1.19",
      "May 26 02:06:53 localhost kdumpctl[1594]: Starting kdump: [FAILED]",
      "May 26 03:50:39 localhost kernel: [    0.000000] Linux version 6.1.19",
      "May 26 03:51:10 localhost kdumpctl[1601]: kexec: loaded kdump kernel",
    ].join("\n");
    expect(selectLogLines(messages, "kdump").text).toBe(
      "May 26 03:51:10 localhost kdumpctl[1601]: kexec: loaded kdump kernel\n",
    );
  });

  test("a one-boot journal without markers is kept whole, and says its boot start was not seen", () => {
    const { text, bootStartSeen } = selectLogLines(
      "Sep 14 01:45:21 t kdump-tools[3027]:  * loaded\n",
      "kdump",
    );
    expect(text).toBe("Sep 14 01:45:21 t kdump-tools[3027]:  * loaded\n");
    expect(bootStartSeen).toBe(false);
  });

  test("console lines: a unit's [FAILED] line is kept, other units' are not", () => {
    const text = [
      "[FAILED] Failed to start OpenBSD Secure Shell server.",
      "[  302.619567] kdump-tools[549]: no crashkernel= parameter in the kernel cmdline ...",
      "[FAILED] Failed to start Kernel crash dump capture service.",
    ].join("\n");
    expect(selectLogLines(text, "kdump").text.split("\n").filter(Boolean)).toEqual([
      "[  302.619567] kdump-tools[549]: no crashkernel= parameter in the kernel cmdline ...",
      "[FAILED] Failed to start Kernel crash dump capture service.",
    ]);
  });
});
