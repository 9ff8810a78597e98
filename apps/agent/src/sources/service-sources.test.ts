/**
 * The new service and log sources read through the real collector from a capture laid out as sos
 * keeps them: systemctl status in systemctl_status_--all, the current boot's journal in
 * sos_commands/logs, /var/log/kdump.log, installed-rpms; the system log leaves filtered.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { judgeSnapshot } from "@kdumpwatch/core";
import { afterEach, beforeEach, expect, test } from "vitest";
import { collectSnapshot } from "../collect/collector.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kdw-service-sources-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function put(relative: string, text: string): void {
  const full = join(root, relative);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

const JOURNAL = [
  "-- Logs begin at Mon 2024-06-10 06:02:11 UTC, end at Mon 2024-06-10 09:00:00 UTC. --",
  "Jun 10 06:02:11 db02 kernel: Linux version 5.14.0-427.20.1.el9_4.x86_64 (mockbuild@x86-64-02) #1 SMP",
  "Jun 10 06:02:20 db02 sshd[901]: Server listening on 0.0.0.0 port 22.",
  "Jun 10 06:02:23 db02 systemd[1]: Starting Crash recovery kernel arming...",
  "Jun 10 06:02:41 db02 dracut[1344]: dracut: cp: error writing '/boot/initramfs-5.14.0-427.20.1.el9_4.x86_64kdump.img': No space left on device",
  "Jun 10 06:02:41 db02 kdumpctl[1108]: kdump: mkdumprd: failed to make kdump initrd",
  "Jun 10 06:02:41 db02 kdumpctl[1108]: kdump: Starting kdump: [FAILED]",
  "Jun 10 06:02:41 db02 systemd[1]: Failed to start Crash recovery kernel arming.",
  "",
].join("\n");

test("a sos capture's journal, status and package list reach core; only kdump lines of the journal are kept", async () => {
  put("etc/kdump.conf", "path /var/crash\n");
  put("sos_commands/logs/journalctl_--no-pager_--boot", JOURNAL);
  put(
    "sos_commands/systemd/systemctl_status_--all",
    [
      "● sshd.service - OpenSSH server daemon",
      "   Loaded: loaded (/usr/lib/systemd/system/sshd.service; enabled; vendor preset: enabled)",
      "   Active: active (running) since Mon 2024-06-10 06:02:20 UTC; 3h ago",
      "",
      "× kdump.service - Crash recovery kernel arming",
      "   Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; vendor preset: enabled)",
      "   Active: failed (Result: exit-code) since Mon 2024-06-10 06:02:41 UTC; 3h ago",
      "",
    ].join("\n"),
  );
  put(
    "installed-rpms",
    "kexec-tools-2.0.27-8.el9_4.x86_64                           Mon Apr 22 10:03:48 2024\n",
  );
  const snapshot = await collectSnapshot({ root });
  const log = snapshot.sources.system_log;
  expect(log?.ok && log.text).not.toContain("sshd");
  expect(log?.ok && log.text).toContain("No space left on device");
  const facts = judgeSnapshot(snapshot, new Date("2024-06-10T09:00:00Z")).facts;
  expect(facts.service).toMatchObject({ unit: "kdump", unitState: "failed", enabledAtBoot: true });
  expect(facts.service.failure).toMatchObject({ kind: "no-space", thisBoot: true });
  expect(facts.kdump.installed).toBe(true);
});

test("/var/log/kdump.log is read from its end", async () => {
  put("etc/kdump.conf", "path /var/crash\n");
  const block = (n: number) =>
    `+ 2024-04-13 08:42:${String(n % 60).padStart(2, "0")} /usr/bin/kdumpctl@675: /sbin/kexec -s -d -p --initrd=/boot/i /boot/v\n+ 2024-04-13 08:42:55 /usr/bin/kdumpctl@679: ret=0\n`;
  put(
    "var/log/kdump.log",
    `${Array.from({ length: 2000 }, (_, i) => block(i)).join("")}+ 2024-04-13 09:00:00 /usr/bin/kdumpctl@675: /sbin/kexec -s -d -p x\nkexec_file_load failed: Required key not available\n+ 2024-04-13 09:00:00 /usr/bin/kdumpctl@679: ret=255\n`,
  );
  const snapshot = await collectSnapshot({ root });
  const r = snapshot.sources.kdump_log;
  expect(r?.ok && r.truncated).toBe(true);
  expect(r?.ok && r.text.trimEnd().endsWith("ret=255")).toBe(true);
});
