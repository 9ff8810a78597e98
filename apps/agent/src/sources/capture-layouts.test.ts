import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { SourceResult } from "@kdumpwatch/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { collectSnapshot } from "../collect/collector.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "kdw-layouts-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function put(relative: string, text: string): void {
  const full = join(root, relative);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

const text = (r: SourceResult | undefined) => (r?.ok ? r.text : `not read: ${JSON.stringify(r)}`);

const TWO_BOOTS = [
  "-- Boot 0f7c3c1c7a1c4f5b9d7b1a0e2f3c4d5e --",
  "Oct 24 18:50:02 h kernel: Linux version 3.10.0-327.el7.x86_64",
  "Oct 24 18:50:12 h kdumpctl[700]: kexec: loaded kdump kernel",
  "-- Boot 9a8b7c6d5e4f40312a1b2c3d4e5f6a7b --",
  "Oct 24 18:58:01 h kernel: Linux version 3.10.0-327.el7.x86_64",
  "Oct 24 18:58:01 h kernel: Reserving 160MB of memory at 32MB for crashkernel (System RAM: 2047MB)",
  "Oct 24 18:58:21 h kdumpctl[812]: No memory reserved for crash kernel.",
  "Oct 24 18:58:21 h systemd[1]: Failed to start Crash recovery kernel arming.",
  "Oct 24 18:58:22 h systemd[1]: Failed to start Docker Storage Setup.",
  "",
].join("\n");

describe("check --root reads sos reports where sos puts things", () => {
  test("the whole journal stands in for the kdump unit's journal: the last boot's kdump lines", async () => {
    put("sos_commands/logs/journalctl_--no-pager", TWO_BOOTS);
    const snapshot = await collectSnapshot({ root });
    const journal = snapshot.sources.kdump_service_journal;
    expect(text(journal)).toBe(
      [
        "Oct 24 18:58:21 h kdumpctl[812]: No memory reserved for crash kernel.",
        "Oct 24 18:58:21 h systemd[1]: Failed to start Crash recovery kernel arming.",
        "",
      ].join("\n"),
    );
    expect(journal?.ok && journal.via).toBe("sos_commands/logs/journalctl_--no-pager");
    expect(journal?.ok && journal.truncated).toBeFalsy();
  });

  test("and its kernel lines stand in for dmesg", async () => {
    put("sos_commands/logs/journalctl_--no-pager_--boot", TWO_BOOTS);
    const dmesg = (await collectSnapshot({ root })).sources.dmesg;
    expect(text(dmesg)).toContain("Reserving 160MB of memory at 32MB for crashkernel");
    expect(text(dmesg)).not.toContain("kdumpctl");
  });

  test("/var/log/messages is read when the report has no journal", async () => {
    put("var/log/messages", TWO_BOOTS.replace(/^-- Boot .*\n/gm, ""));
    const journal = (await collectSnapshot({ root })).sources.kdump_service_journal;
    expect(text(journal)).toContain("kdumpctl[812]: No memory reserved for crash kernel.");
    expect(text(journal)).not.toContain("kdumpctl[700]");
  });

  test("a journal sos tailed (sos_strings/*.tailed behind a symlink) is marked truncated when its boot start is cut", async () => {
    put("sos_strings/logs/journalctl_--no-pager_--boot.tailed", TWO_BOOTS.split("\n").slice(6).join("\n"));
    mkdirSync(join(root, "sos_commands/logs"), { recursive: true });
    symlinkSync(
      "../../sos_strings/logs/journalctl_--no-pager_--boot.tailed",
      join(root, "sos_commands/logs/journalctl_--no-pager_--boot"),
    );
    const journal = (await collectSnapshot({ root })).sources.kdump_service_journal;
    expect(journal, JSON.stringify(journal)).toMatchObject({ ok: true, truncated: true });
  });

  test("a tailed copy of /var/log/messages that still holds the last boot's start is complete for it", async () => {
    put("sos_strings/logs/var.log.messages.tailed", TWO_BOOTS.replace(/^-- Boot .*\n/gm, ""));
    mkdirSync(join(root, "var/log"), { recursive: true });
    symlinkSync("../../sos_strings/logs/var.log.messages.tailed", join(root, "var/log/messages"));
    const journal = (await collectSnapshot({ root })).sources.kdump_service_journal;
    expect(journal?.ok && journal.truncated).toBeFalsy();
  });

  test("a file sos tailed is marked truncated", async () => {
    put("sos_strings/kernel/sos_commands.kernel.dmesg.tailed", "[    5.0] kdump: something\n");
    mkdirSync(join(root, "sos_commands/kernel"), { recursive: true });
    symlinkSync(
      "../../sos_strings/kernel/sos_commands.kernel.dmesg.tailed",
      join(root, "sos_commands/kernel/dmesg"),
    );
    expect((await collectSnapshot({ root })).sources.dmesg).toMatchObject({ ok: true, truncated: true });
  });
});

const banner = (kind: string) => `#==[ ${kind} ]${"=".repeat(36)}#`;

describe("check --root reads a supportconfig's flat files", () => {
  test("files and command outputs are taken from their sections", async () => {
    put(
      "basic-environment.txt",
      [
        banner("Command"),
        "# /bin/uname -a",
        "Linux s16 6.12.0-160000.5-default #1 SMP x86_64 GNU/Linux",
        "",
      ].join("\n"),
    );
    put(
      "boot.txt",
      [
        banner("Configuration File"),
        "# /proc/cmdline",
        "BOOT_IMAGE=/boot/vmlinuz root=UUID=1 crashkernel=512M",
        "",
      ].join("\n"),
    );
    put(
      "crash.txt",
      [
        banner("Command"),
        "# /usr/bin/systemctl status kdump.service",
        "● kdump.service - Load kdump kernel and initrd",
        "Nov 20 03:42:26 s16 systemd[1]: Finished Load kdump kernel and initrd.",
        "",
        banner("Configuration File"),
        "# /sys/kernel/kexec_crash_loaded",
        "1",
        "",
      ].join("\n"),
    );
    put(
      "env.txt",
      [banner("Command"), "# /sbin/sysctl -a", "kernel.panic_on_oops = 1", "kernel.sysrq = 184", ""].join(
        "\n",
      ),
    );
    const { sources } = await collectSnapshot({ root });
    expect(text(sources.uname)).toBe("Linux s16 6.12.0-160000.5-default #1 SMP x86_64 GNU/Linux\n");
    expect(text(sources.cmdline)).toBe("BOOT_IMAGE=/boot/vmlinuz root=UUID=1 crashkernel=512M\n");
    expect(text(sources.kexec_crash_loaded)).toBe("1\n");
    expect(text(sources["sysctl.kernel.sysrq"])).toBe("184\n");
    expect(text(sources.kdump_service_journal)).toBe(
      "Nov 20 03:42:26 s16 systemd[1]: Finished Load kdump kernel and initrd.\n",
    );
    expect(sources.cmdline?.ok && sources.cmdline.via).toBe("boot.txt [/proc/cmdline]");
  });
});
