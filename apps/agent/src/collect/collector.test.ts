import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { SourceId, SourceResult } from "@kdumpwatch/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { command, file } from "../sources/reader.ts";
import { SOURCE_TABLE, type SourceSpec } from "../sources/table.ts";
import { collectSnapshot } from "./collector.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kdw-collector-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function put(relative: string, text: string): string {
  const full = join(dir, relative);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** The real table with one source replaced: the collector reads exactly what the test declares. */
function tableWith(id: SourceId, spec: Partial<SourceSpec> & Pick<SourceSpec, "live">) {
  return { ...SOURCE_TABLE, [id]: { capture: spec.live, ...spec } };
}

async function liveSource(id: SourceId, spec: Partial<SourceSpec> & Pick<SourceSpec, "live">, extra = {}) {
  const snapshot = await collectSnapshot({ table: tableWith(id, spec), ...extra });
  const result = snapshot.sources[id];
  if (!result) throw new Error(`no result for ${id}`);
  return result;
}

const failed = (r: SourceResult) => (r.ok ? `ok: ${JSON.stringify(r.text.slice(0, 80))}` : r.error);

describe("collector on a live host (table readers pointed at temp files and allow-listed argv)", () => {
  test("a file that does not exist is recorded as missing, not as empty text", async () => {
    const r = await liveSource("cmdline", { live: () => [file(join(dir, "absent"))] });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "missing" });
  });

  test("a path that is a directory is a failed read with a reason, never an empty text", async () => {
    mkdirSync(join(dir, "iomem"));
    const r = await liveSource("iomem", { live: () => [file(join(dir, "iomem"))] });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "failed" });
    expect(r.ok ? "" : r.detail).toMatch(/directory/);
  });

  test("a command that does not exist is recorded as not-found", async () => {
    const r = await liveSource("kdump_config_show", {
      live: () => [command(["kdumpwatch-test-no-such-command", "show"], { anyExit: true })],
    });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "not-found" });
  });

  test("a command refused for lack of privilege is recorded as permission, not as empty output", async () => {
    const r = await liveSource("dmesg", {
      live: () => [
        command(["sh", "-c", "echo 'dmesg: read kernel buffer failed: Operation not permitted' >&2; exit 1"]),
      ],
    });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "permission" });
  });

  test("a command that outlives its timeout is killed and recorded as timeout", async () => {
    const started = Date.now();
    const r = await liveSource(
      "uname",
      { live: () => [command(["sleep", "10"])] },
      { commandTimeoutMs: 150 },
    );
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "timeout" });
    expect(Date.now() - started, "the collector must not wait for the command").toBeLessThan(3000);
  });

  test("a command that exits non-zero is failed unless its text is evidence whatever the status", async () => {
    const failing = await liveSource("uname", {
      live: () => [command(["sh", "-c", "echo partial; exit 2"])],
    });
    expect(failing, JSON.stringify(failing)).toMatchObject({ ok: false, error: "failed" });

    const evidence = await liveSource("kdumpctl_status", {
      live: () => [
        command(["sh", "-c", "echo 'kdump: Kdump is not operational' >&2; exit 3"], {
          anyExit: true,
          stderrFirst: true,
        }),
      ],
    });
    expect(evidence).toEqual({
      ok: true,
      text: "kdump: Kdump is not operational\n",
      exitCode: 3,
      via: "sh -c echo 'kdump: Kdump is not operational' >&2; exit 3",
    });
  });

  test("stderr comes before stdout for sources that print their warnings on stderr", async () => {
    const r = await liveSource("kdump_config_show", {
      live: () => [
        command(["sh", "-c", "echo 'current state:    ready to kdump'; echo ' * USE_KDUMP is not set' >&2"], {
          anyExit: true,
          stderrFirst: true,
        }),
      ],
    });
    expect(r.ok && r.text).toBe(" * USE_KDUMP is not set\ncurrent state:    ready to kdump\n");
  });

  test("a file larger than the cap is cut at a line boundary and flagged truncated", async () => {
    const big = put("kern.log", Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(""));
    const r = await liveSource("dmesg", { live: () => [file(big)] }, { maxBytes: 1000 });
    if (!r.ok) throw new Error(`expected text, got ${failed(r)}`);
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(1000);
    expect(r.text.startsWith("line 0\n")).toBe(true);
    expect(r.text.endsWith("\n"), "no half line at the cut").toBe(true);
  });

  test("a tail-kept file keeps its end, where the latest journal lines are", async () => {
    const big = put("journal", Array.from({ length: 5000 }, (_, i) => `entry ${i}\n`).join(""));
    const r = await liveSource(
      "kdump_service_journal",
      { live: () => [file(big, "tail")] },
      { maxBytes: 1000 },
    );
    if (!r.ok) throw new Error(`expected text, got ${failed(r)}`);
    expect(r.truncated).toBe(true);
    expect(r.text.endsWith("entry 4999\n")).toBe(true);
    expect(r.text.startsWith("entry "), "starts on a whole line").toBe(true);
  });

  test("command output beyond the cap stops the command and is flagged truncated", async () => {
    const r = await liveSource(
      "uname",
      { live: () => [command(["seq", "1", "1000000"])] },
      { maxBytes: 2000 },
    );
    if (!r.ok) throw new Error(`expected text, got ${failed(r)}`);
    expect(r.truncated).toBe(true);
    expect(r.text.startsWith("1\n2\n")).toBe(true);
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(2000);
  });

  test("a failing first reader falls back to the next one, and via names what answered", async () => {
    const kernLog = put("kern.log", "[    0.000000] crashkernel reserved: 0x1 - 0x2 (320 MB)\n");
    const r = await liveSource("dmesg", {
      live: () => [
        command(["kdumpwatch-test-no-dmesg"]),
        command(["sh", "-c", "echo '-- No entries --'"]),
        file(kernLog),
      ],
    });
    expect(r).toMatchObject({ ok: true, via: kernLog });
    expect(r.ok && r.text).toContain("crashkernel reserved");
  });

  test("when every reader fails the most telling reason is reported, with each attempt in the detail", async () => {
    const r = await liveSource("dmesg", {
      live: () => [
        command(["sh", "-c", "echo 'dmesg: read kernel buffer failed: Operation not permitted' >&2; exit 1"]),
        file(join(dir, "no-kern.log")),
      ],
    });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "permission" });
    expect(r.ok ? "" : r.detail).toContain("no-kern.log");
  });

  test("the dmesg filter is applied to the text that was read", async () => {
    const log = put("dmesg", "noise\n[    0.0] crashkernel reserved: 0x1 - 0x2 (1 MB)\nnoise\n");
    const r = await liveSource(
      "dmesg",
      { live: () => [file(log)], filter: "dmesg" },
      {
        filterDmesg: (t: string) => ({
          text: t
            .split("\n")
            .filter((l) => l.includes("crashkernel"))
            .join("\n"),
          truncated: false,
        }),
      },
    );
    expect(r.ok && r.text).toBe("[    0.0] crashkernel reserved: 0x1 - 0x2 (1 MB)\n");
  });

  test("by default dmesg keeps only the lines core judges on (core's filterRelevantDmesg)", async () => {
    const log = put(
      "dmesg-full",
      "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n" +
        "[    0.000000] BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n" +
        "[    0.004623] crashkernel reserved: 0x0000000060000000 - 0x0000000074000000 (320 MB)\n" +
        "[    1.200000] usb 1-1: new high-speed USB device number 2 using xhci_hcd\n",
    );
    const r = await liveSource("dmesg", { live: () => [file(log)], filter: "dmesg" });
    // RAM ranges of the memory map tell core whether RAM exists above 4 GiB; reserved ranges do not
    expect(r.ok && r.text).toBe(
      "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n" +
        "[    0.004623] crashkernel reserved: 0x0000000060000000 - 0x0000000074000000 (320 MB)\n",
    );
  });

  test("sources of the other distro's tooling are missing (not applicable), not failed", async () => {
    const root = join(dir, "live-like");
    mkdirSync(join(root, "etc/default"), { recursive: true });
    writeFileSync(join(root, "etc/default/kdump-tools"), "USE_KDUMP=1\n");
    const table = {
      ...SOURCE_TABLE,
      etc_default_kdump_tools: {
        live: () => [file(join(root, "etc/default/kdump-tools"))],
        capture: () => [],
      },
    };
    const snapshot = await collectSnapshot({ table });
    expect(snapshot.sources.kdumpctl_status).toMatchObject({ ok: false, error: "missing" });
    expect(snapshot.sources.kdumpctl_estimate).toMatchObject({ ok: false, error: "missing" });
  });

  test("every source of core's list gets a result and collectedAt is the injected time", async () => {
    const snapshot = await collectSnapshot({ now: () => new Date("2026-01-21T07:31:00Z") });
    expect(snapshot.collectedAt).toBe("2026-01-21T07:31:00.000Z");
    expect(Object.keys(snapshot.sources).sort()).toEqual(Object.keys(SOURCE_TABLE).sort());
  });
});

describe("collector on a capture directory (--root)", () => {
  function buildCapture() {
    put("proc/cmdline", "BOOT_IMAGE=/vmlinuz ro crashkernel=512M-:192M\n");
    put("etc/default/kdump-tools", 'USE_KDUMP=1\nKDUMP_COREDIR="/srv/dumps"\n');
    put("etc/default/grub.d/50-cloudimg.cfg", 'GRUB_CMDLINE_LINUX_DEFAULT="console=ttyS0"\n');
    put(
      "etc/default/grub.d/kdump-tools.cfg",
      'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"',
    );
    put("etc/default/grub.d/README", "not a cfg\n");
    put("sos_commands/kdump/kdump-config_show", "current state:    ready to kdump\n");
    put("sos_commands/kernel/sysctl_-a", "kernel.panic = 0\nkernel.sysrq = 176\nvm.panic_on_oom = 0\n");
    put("proc/sys/kernel/panic_on_oops", "1\n");
    put("srv/dumps/202601210724/dmesg.202601210724", "x".repeat(100));
    put("srv/dumps/202601210724/dump.202601210724", "y".repeat(2000));
    put("srv/dumps/kexec_cmd", "/sbin/kexec -p\n");
    const stamp = new Date("2026-01-21T07:24:00Z");
    for (const p of [
      "srv/dumps/202601210724/dmesg.202601210724",
      "srv/dumps/202601210724/dump.202601210724",
      "srv/dumps/kexec_cmd",
      "srv/dumps/202601210724",
    ]) {
      utimesSync(join(dir, p), stamp, stamp);
    }
  }

  test("files are read at their real paths and command outputs at their sos names", async () => {
    buildCapture();
    const s = await collectSnapshot({ root: dir });
    expect(s.sources.cmdline).toMatchObject({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz ro crashkernel=512M-:192M\n",
    });
    expect(s.sources.kdump_config_show).toMatchObject({
      ok: true,
      text: "current state:    ready to kdump\n",
      via: "sos_commands/kdump/kdump-config_show",
    });
    expect(s.sources.uname, "no command is ever run on a capture").toMatchObject({
      ok: false,
      error: "missing",
    });
  });

  test("a sysctl falls back to its line in sos_commands/kernel/sysctl_-a when proc/sys lacks it", async () => {
    buildCapture();
    const s = await collectSnapshot({ root: dir });
    expect(s.sources["sysctl.kernel.sysrq"]).toMatchObject({ ok: true, text: "176\n" });
    expect(s.sources["sysctl.kernel.panic_on_oops"]).toMatchObject({ ok: true, text: "1\n" });
    expect(s.sources["sysctl.kernel.kexec_load_disabled"]).toMatchObject({ ok: false, error: "missing" });
  });

  test("grub.d *.cfg files are concatenated in name order, each under a '# file:' header with its real path", async () => {
    buildCapture();
    const s = await collectSnapshot({ root: dir });
    expect(s.sources.etc_default_grub_d).toMatchObject({
      ok: true,
      text:
        "# file: /etc/default/grub.d/50-cloudimg.cfg\n" +
        'GRUB_CMDLINE_LINUX_DEFAULT="console=ttyS0"\n' +
        "# file: /etc/default/grub.d/kdump-tools.cfg\n" +
        'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"\n',
    });
  });

  test("the dump directory named by KDUMP_COREDIR is listed, depth 2, with sizes and times", async () => {
    buildCapture();
    const s = await collectSnapshot({ root: dir });
    const dirSize = statSync(join(dir, "srv/dumps/202601210724")).size;
    expect(s.sources.dump_dir_listing).toMatchObject({
      ok: true,
      text:
        `d ${dirSize} 2026-01-21T07:24:00Z 202601210724\n` +
        "f 100 2026-01-21T07:24:00Z 202601210724/dmesg.202601210724\n" +
        "f 2000 2026-01-21T07:24:00Z 202601210724/dump.202601210724\n" +
        "f 15 2026-01-21T07:24:00Z kexec_cmd\n",
    });
  });

  test("a symlink that leads out of the capture is not followed", async () => {
    buildCapture();
    const secret = join(mkdtempSync(join(tmpdir(), "kdw-outside-")), "secret");
    writeFileSync(secret, "live host data\n");
    mkdirSync(join(dir, "proc"), { recursive: true });
    symlinkSync(secret, join(dir, "proc/meminfo"));
    const s = await collectSnapshot({ root: dir });
    expect(s.sources.meminfo, JSON.stringify(s.sources.meminfo)).toMatchObject({
      ok: false,
      error: "failed",
    });
    rmSync(dirname(secret), { recursive: true, force: true });
  });
});
