import { describe, expect, test } from "vitest";
import { extractSection } from "./supportconfig-section.ts";

// the banner and header lines exactly as supportutils' _log_cmd / conf_files / log_files print them
const CRASH_TXT = [
  "#==[ Command ]======================================#",
  "# /usr/bin/systemctl status kdump.service",
  "● kdump.service - Load kdump kernel and initrd",
  "     Active: active (exited) since Thu 2025-11-20 03:42:26 UTC; 48s ago",
  "",
  "#==[ Configuration File ]===========================#",
  "# /proc/cmdline",
  "BOOT_IMAGE=/boot/vmlinuz-6.12.0-160000.5-default root=UUID=1 crashkernel=512M",
  "",
  "",
  "#==[ Configuration File ]===========================#",
  "# /etc/kdump.conf - File not found",
  "",
  "#==[ Log File ]=====================================#",
  "# /var/log/messages - Last 2500 Lines",
  "Nov 20 03:42:26 h systemd[1]: Finished Load kdump kernel and initrd.",
  "",
].join("\n");

describe("extractSection reads one supportconfig section", () => {
  test("a command is found by its argv whatever directory the program was resolved in", () => {
    expect(extractSection(CRASH_TXT, { kind: "command", name: "systemctl status kdump.service" })).toEqual({
      text: [
        "● kdump.service - Load kdump kernel and initrd",
        "     Active: active (exited) since Thu 2025-11-20 03:42:26 UTC; 48s ago",
        "",
      ].join("\n"),
      truncated: false,
    });
  });

  test("a file's text ends before the next banner, without supportconfig's blank lines", () => {
    expect(extractSection(CRASH_TXT, { kind: "file", name: "/proc/cmdline" })?.text).toBe(
      "BOOT_IMAGE=/boot/vmlinuz-6.12.0-160000.5-default root=UUID=1 crashkernel=512M\n",
    );
  });

  test("a file supportconfig did not find is absent, not an empty text", () => {
    expect(extractSection(CRASH_TXT, { kind: "file", name: "/etc/kdump.conf" })).toBeNull();
  });

  test("a log of which only the last lines were kept is marked truncated", () => {
    expect(extractSection(CRASH_TXT, { kind: "file", name: "/var/log/messages" })?.truncated).toBe(true);
  });

  test("a `| tail -n` command is marked truncated", () => {
    const boot =
      "#==[ Command ]=====#\n# /usr/bin/journalctl --boot=0 --no-pager --output=short-iso | tail -n 3000\nx\n";
    expect(
      extractSection(boot, { kind: "command", name: "journalctl --boot=0 --no-pager --output=short-iso" }),
    ).toEqual({ text: "x\n", truncated: true });
  });

  test("journalctl's own `--lines N` (messages.txt on a journal-only host) is marked truncated", () => {
    const messages =
      "#==[ Command ]=====#\n# /usr/bin/journalctl --no-pager --output=short-iso --lines 200000\nx\n";
    expect(
      extractSection(messages, { kind: "command", name: "journalctl --no-pager --output=short-iso" }),
    ).toEqual({ text: "x\n", truncated: true });
  });

  test("a command _log_cmd could not find is marked not found (the header keeps its bare argv)", () => {
    const crash =
      "#==[ Command ]=====#\n# kdumptool calibrate\nERROR: Command not found or not executable\n\n";
    expect(extractSection(crash, { kind: "command", name: "kdumptool calibrate" })).toEqual({
      text: "ERROR: Command not found or not executable\n",
      truncated: false,
      notFound: true,
    });
  });

  test("systemd_info's quoted unit name is matched as written", () => {
    const status = "#==[ Command ]=====#\n# /usr/bin/systemctl status 'kdump.service'\n● kdump.service\n";
    expect(extractSection(status, { kind: "command", name: "systemctl status 'kdump.service'" })?.text).toBe(
      "● kdump.service\n",
    );
  });

  test("a name that is not there is null", () => {
    expect(extractSection(CRASH_TXT, { kind: "command", name: "kdumptool calibrate" })).toBeNull();
  });
});
