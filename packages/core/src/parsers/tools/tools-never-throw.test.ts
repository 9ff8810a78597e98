import { anyText, anyUtf16Text } from "@kdumpwatch/testkit/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseDefaultKdumpTools } from "./default-kdump-tools.ts";
import { parseDf } from "./df.ts";
import { parseDumpListing } from "./dump-listing.ts";
import { parseFadumpLines } from "./fadump-lines.ts";
import { filterKdumpLog } from "./filter-kdump-log.ts";
import { parseGrubDefaults } from "./grub-defaults.ts";
import { parseInstalledPackages } from "./installed-packages.ts";
import { parseKdumpConf } from "./kdump-conf.ts";
import { parseKdumpConfigShow } from "./kdump-config-show.ts";
import { parseKdumpConfigStatus } from "./kdump-config-status.ts";
import { parseKdumpConfigTest } from "./kdump-config-test.ts";
import { parseKdumpLog } from "./kdump-log.ts";
import { parseKdumpServiceJournal, parseSystemLog } from "./kdump-service-journal.ts";
import { parseKdumpctlEstimate } from "./kdumpctl-estimate.ts";
import { parseKdumpctlShowmem } from "./kdumpctl-showmem.ts";
import { parseKdumpctlStatus } from "./kdumpctl-status.ts";
import { parseKdumptoolCalibrate } from "./kdumptool-calibrate.ts";
import { parseMokutilSbState } from "./mokutil-sb-state.ts";
import { parseOsRelease } from "./os-release.ts";
import { parseShellAssignments } from "./shell-assignments.ts";
import { parseSysconfigKdump } from "./sysconfig-kdump.ts";
import { parseSystemctlStatus } from "./systemctl-status.ts";
import { parseUname } from "./uname.ts";

const PARSERS: Array<[string, (text: string) => { value: unknown; issues: unknown[] }]> = [
  ["parseKdumpConfigShow", parseKdumpConfigShow],
  ["parseKdumpConfigStatus", parseKdumpConfigStatus],
  ["parseKdumpConfigTest", parseKdumpConfigTest],
  ["parseKdumpServiceJournal", parseKdumpServiceJournal],
  ["parseKdumpctlStatus", parseKdumpctlStatus],
  ["parseKdumpctlEstimate", parseKdumpctlEstimate],
  ["parseKdumpctlShowmem", parseKdumpctlShowmem],
  ["parseDefaultKdumpTools", parseDefaultKdumpTools],
  ["parseKdumpConf", parseKdumpConf],
  ["parseSysconfigKdump", parseSysconfigKdump],
  ["parseGrubDefaults", (t) => parseGrubDefaults(t)],
  ["parseShellAssignments", (t) => parseShellAssignments(t)],
  ["parseOsRelease", parseOsRelease],
  ["parseMokutilSbState", parseMokutilSbState],
  ["parseUname", parseUname],
  ["parseDumpListing", parseDumpListing],
  ["parseDf", (t) => parseDf(t, "/var/crash")],
  ["parseSystemLog", parseSystemLog],
  ["parseSystemctlStatus", parseSystemctlStatus],
  ["parseKdumpLog", parseKdumpLog],
  ["parseFadumpLines", parseFadumpLines],
  ["parseInstalledPackages", parseInstalledPackages],
  ["parseKdumptoolCalibrate", parseKdumptoolCalibrate],
  ["filterKdumpLog", (t) => ({ value: filterKdumpLog(t), issues: [] })],
];

/** Pieces of the real formats, so generated inputs reach deep branches, not only "unknown line". */
const FRAGMENTS = [
  "DUMP_MODE:\t\tkdump",
  "USE_KDUMP:",
  "crashkernel addr: 0x",
  "0x23f000000",
  "   /var/lib/kdump/vmlinuz: symbolic link to ",
  "kdump initrd: ",
  "current state:    ",
  "Not ready to kdump",
  "crashkernel suggested size: Unknown (",
  "kexec command:",
  "NFS_RETRANS       ",
  " * ",
  " ... failed!",
  "failed!",
  "Jan 21 06:59:11 r-vm kdump-tools[5348]: ",
  "[    6.2] kdump-tools[1]: ",
  "kexec_file_load failed: ",
  "kdump: Kdump is operational",
  "Notice: Last successful vmcore creation test on ",
  "Reserved crashkernel:    ",
  "Large modules:",
  'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=',
  "# file: /etc/default/grub.d/x.cfg",
  "${A:-",
  '"',
  "'",
  "\\",
  "$(",
  "`",
  "ssh user@host",
  "path /var/crash #",
  "d 4096 2026-01-21T07:31:02Z ",
  "202601210724",
  "/dump.202601210724.xz",
  "-incomplete",
  "drwxr-xr-x 2 root root 4096 Jan 21 07:31 ",
  "--- /var/crash/202601210724 ---",
  "/var/crash:",
  "Filesystem 1K-blocks Used Available Use% Mounted on",
  "/dev/mapper/long-name",
  "   52403200 4316432 48086768 9% /",
  "Linux host 6.8.0 #1 SMP x86_64 GNU/Linux",
  "SecureBoot enabled",
  "● kdump.service - Crash recovery kernel arming",
  "   Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; vendor preset: enabled)",
  "   Active: failed (Result: exit-code) since Mon 2016-10-24 18:58:21 UTC; 49s ago",
  "Mär  3 10:00:04 web01 systemd[1]: Failed to start Crash recovery kernel arming.",
  "9月 17 16:52:18 h kdumpctl[5822]: ",
  "2024-11-02T08:11:49.240332+00:00 app03 kernel: [    0.000000] Linux version 5.15.0",
  "-- Boot 4c8a1f0e9b7d4e5f8a2b3c4d5e6f7081 --",
  "+ 2024-04-13 08:42:55 /usr/bin/kdumpctl@679: ret=",
  "/sbin/kexec -s -d -p ",
  "rtas fadump: Registration is successful!",
  "fadump: Reserved 1024MB of memory at 0x00000040000000 (System RAM: 4096MB)",
  "kexec-tools-2.0.27-8.el9_4.x86_64",
  "ii  kdump-tools  1:1.8.1  amd64  x",
  "Low: 72",
  "No space left on device",
  "…",
  "\uFFFD",
  "\t",
  " ",
  "\n",
  "\r\n",
  "\r",
];

const fragmentText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((a) => a.join(""));

describe("tool parsers never throw", () => {
  test.each(PARSERS)("%s survives arbitrary strings (any code points, lone surrogates)", (_name, parse) => {
    fc.assert(
      fc.property(fc.oneof(anyText({ maxLength: 400 }), anyUtf16Text({ maxLength: 400 })), (s) => {
        const r = parse(s);
        expect(Array.isArray(r.issues)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test.each(PARSERS)("%s survives shuffled fragments of the real formats", (_name, parse) => {
    fc.assert(
      fc.property(fragmentText, (s) => {
        const r = parse(s);
        expect(r.value).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });

  // Linear work on hostile input (megabytes of `$(`, quotes, CRLF, …) is asserted for every parser,
  // as a ratio of CPU time rather than a wall-clock limit, in ../linear-time.test.ts.

  test("a non-string from an untyped caller reads as empty input", () => {
    for (const [name, parse] of PARSERS) {
      expect(() => parse(undefined as unknown as string), name).not.toThrow();
    }
  });
});
