/**
 * The verdict's service and tool sources read from a supportconfig's own flat files (SUSE
 * supportutils `bin/supportconfig`: crash_info → crash.txt, systemd_info → systemd-status.txt,
 * messages_file → messages.txt, boot_info → boot.txt), through the real collector, and judged.
 * Banners and headers are written exactly as `_log_cmd`, `conf_files` and `log_files` print them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { judgeSnapshot, type SourceResult } from "@kdumpwatch/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { collectSnapshot } from "../collect/collector.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kdw-supportconfig-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function put(relative: string, lines: string[]): void {
  const full = join(root, relative);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, `${lines.join("\n")}\n`);
}

const text = (r: SourceResult | undefined) => (r?.ok ? r.text : `not read: ${JSON.stringify(r)}`);
const via = (r: SourceResult | undefined) => (r?.ok ? r.via : `not read: ${JSON.stringify(r)}`);
const command = (cmd: string, ...body: string[]) => [
  "#==[ Command ]======================================#",
  `# ${cmd}`,
  ...body,
  "",
];
const conf = (path: string, ...body: string[]) => [
  "#==[ Configuration File ]===========================#",
  `# ${path}`,
  ...body,
  "",
  "",
];
const log = (header: string, ...body: string[]) => [
  "#==[ Log File ]=====================================#",
  `# ${header}`,
  ...body,
  "",
  "",
];

const OS = conf(
  "/etc/os-release",
  'NAME="SLES"',
  'VERSION="15-SP6"',
  'VERSION_ID="15.6"',
  'PRETTY_NAME="SUSE Linux Enterprise Server 15 SP6"',
  'ID="sles"',
  'ID_LIKE="suse"',
);
const UNAME = command(
  "/bin/uname -a",
  "Linux s15 6.4.0-150600.23.25-default #1 SMP PREEMPT_DYNAMIC Tue Oct 15 08:00:00 UTC 2024 (1c5a1a5) x86_64 x86_64 x86_64 GNU/Linux",
);
const FAILED_STATUS = [
  "× kdump.service - Load kdump kernel and initrd",
  "     Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; preset: disabled)",
  "     Active: failed (Result: exit-code) since Tue 2024-11-19 08:01:14 UTC; 2h ago",
  "   Main PID: 1210 (code=exited, status=1/FAILURE)",
  "",
  "Nov 19 08:01:02 s15 systemd[1]: Starting Load kdump kernel and initrd...",
  "Nov 19 08:01:14 s15 load.sh[1210]: Cannot write /var/lib/kdump/initrd-6.4.0-150600.23.25-default-kdump: No space left on device",
  "Nov 19 08:01:14 s15 systemd[1]: kdump.service: Main process exited, code=exited, status=1/FAILURE",
  "Nov 19 08:01:14 s15 systemd[1]: kdump.service: Failed with result 'exit-code'.",
  "Nov 19 08:01:14 s15 systemd[1]: Failed to start Load kdump kernel and initrd.",
];

function sles(crashTxt: string[]): void {
  put("basic-environment.txt", [...UNAME, ...OS]);
  put(
    "boot.txt",
    conf("/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=UUID=1 crashkernel=242M,high crashkernel=72M,low"),
  );
  put("crash.txt", crashTxt);
}

describe("a supportconfig's own files feed the verdict sources", () => {
  test("crash.txt: the unit status, kdumptool calibrate and /var/log/kdump.log; messages.txt: the system log", async () => {
    sles([
      ...command("/usr/bin/systemctl status kdump.service", ...FAILED_STATUS),
      ...command(
        "/usr/sbin/kdumptool calibrate",
        "Total: 7936",
        "Low: 72",
        "High: 242",
        "MinLow: 72",
        "MaxLow: 2866",
      ),
      ...conf("/sys/kernel/kexec_crash_loaded", "0"),
      ...conf("/sys/kernel/kexec_crash_size", "0"),
      ...conf(
        "/var/log/kdump.log",
        "2024-11-19 08:01:13 kdump: Building initrd",
        "2024-11-19 08:01:14 kdump: Cannot write initrd: No space left on device",
      ),
    ]);
    put(
      "messages.txt",
      log(
        "/var/log/messages - Last 200000 Lines",
        "2024-11-19T08:00:40.100000+00:00 s15 kernel: Linux version 6.4.0-150600.23.25-default (geeko@buildhost)",
        "2024-11-19T08:00:52.000000+00:00 s15 sshd[880]: Server listening on 0.0.0.0 port 22.",
        "2024-11-19T08:01:14.000000+00:00 s15 systemd[1]: Failed to start Load kdump kernel and initrd.",
      ),
    );
    const snapshot = await collectSnapshot({ root });
    const s = snapshot.sources;
    expect(via(s.kdump_service_status)).toBe("crash.txt [systemctl status kdump.service]");
    expect(text(s.kdump_service_status)).toContain("Active: failed (Result: exit-code)");
    expect(via(s.kdumptool_calibrate)).toBe("crash.txt [kdumptool calibrate]");
    expect(text(s.kdumptool_calibrate)).toContain("High: 242\n");
    expect(via(s.kdump_log)).toBe("crash.txt [/var/log/kdump.log]");
    expect(text(s.kdump_log)).toContain("No space left on device");
    expect(via(s.system_log)).toBe("messages.txt [/var/log/messages]");
    expect(text(s.system_log), "only the kdump lines leave the host").not.toContain("sshd");
    expect(text(s.system_log)).toContain("Failed to start Load kdump kernel and initrd.");
    expect(s.system_log?.ok && s.system_log.truncated, "supportconfig kept only the last lines").toBe(true);

    const { facts, verdict } = judgeSnapshot(snapshot, new Date("2024-11-19T10:00:00Z"));
    expect(facts.identity.os.family).toBe("suse");
    expect(facts.service).toMatchObject({ unit: "kdump", unitState: "failed", enabledAtBoot: true });
    expect(facts.service.failure?.kind).toBe("no-space");
    expect(facts.kdump.tool).toBe("kdumptool");
    expect(facts.kdump.suggestedBytes, "calibrate's Low + High").toBe((72 + 242) * 1024 * 1024);
    expect(verdict).toBe("not_ready");
  });

  test("systemd-status.txt holds the unit status (quoted unit name) when crash_info was excluded", async () => {
    sles([]);
    put("systemd-status.txt", [
      ...command("/usr/bin/systemctl status 'sshd.service'", "● sshd.service - OpenSSH Daemon"),
      ...command("/usr/bin/systemctl status 'kdump.service'", ...FAILED_STATUS),
    ]);
    const { sources } = await collectSnapshot({ root });
    expect(via(sources.kdump_service_status)).toBe("systemd-status.txt [systemctl status 'kdump.service']");
    expect(text(sources.kdump_service_status)).not.toContain("sshd");
    expect(text(sources.kdump_service_journal)).toContain("No space left on device");
  });

  test("a journal-only host: messages.txt holds journalctl's last lines, read as the system log", async () => {
    sles([]);
    put(
      "messages.txt",
      command(
        "/usr/bin/journalctl --no-pager --output=short-iso --lines 200000",
        "2024-11-19T08:01:14+0000 s15 systemd[1]: Failed to start Load kdump kernel and initrd.",
      ),
    );
    const { sources } = await collectSnapshot({ root });
    expect(via(sources.system_log)).toBe("messages.txt [journalctl --no-pager --output=short-iso]");
    expect(sources.system_log?.ok && sources.system_log.truncated).toBe(true);
  });

  test("kdumptool that supportconfig could not find is 'not installed' (the kdump package is missing)", async () => {
    sles([
      ...command("kdumptool calibrate", "ERROR: Command not found or not executable"),
      ...command("/usr/bin/systemctl status kdump.service", "Unit kdump.service could not be found."),
    ]);
    const snapshot = await collectSnapshot({ root });
    expect(snapshot.sources.kdumptool_calibrate).toMatchObject({ ok: false, error: "not-found" });
    const { facts, checks } = judgeSnapshot(snapshot, new Date("2024-11-19T10:00:00Z"));
    expect(facts.kdump.installed).toBe(false);
    const installed = checks.find((c) => c.id === "kdump.tools-installed");
    expect(installed?.status).toBe("fail");
    expect((installed?.remediation ?? []).join("\n"), "SUSE's own package manager").toMatch(/zypper/);
  });
});
