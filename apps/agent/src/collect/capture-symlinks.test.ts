import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { SourceId } from "@kdumpwatch/core";
import { afterAll, describe, expect, test } from "vitest";
import { collectSnapshot } from "./collector.ts";

/**
 * A capture is untrusted input (resolver.ts): real symlinks of every shape that lead to a secret
 * outside the capture are reported as source errors, and the secret's bytes are nowhere in what
 * the collector returns (docs/security.md).
 */
const base = mkdtempSync(join(tmpdir(), "kdw-symlinks-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const SECRET = "TOPSECRET-5f1c9e0a-shadow-line";
const outsideDir = join(base, "outside");
const secretFile = join(outsideDir, "secret");
mkdirSync(join(outsideDir, "grub.d"), { recursive: true });
mkdirSync(join(outsideDir, "crash", `${SECRET}-dir`), { recursive: true });
writeFileSync(secretFile, `${SECRET}\n`);
writeFileSync(join(outsideDir, "grub.d", "evil.cfg"), `GRUB_CMDLINE_LINUX="${SECRET}"\n`);
writeFileSync(join(outsideDir, "crash", `${SECRET}-file`), "x");

let n = 0;
/** A fresh capture with a harmless os-release, plus `setup`'s links. */
function capture(setup: (root: string) => void): string {
  const root = join(base, `capture-${n++}`);
  mkdirSync(join(root, "etc/default/grub.d"), { recursive: true });
  writeFileSync(join(root, "etc/os-release"), 'ID=ubuntu\nVERSION_ID="24.04"\n');
  writeFileSync(join(root, "etc/default/grub.d/10-ok.cfg"), 'GRUB_TIMEOUT="0"\n');
  setup(root);
  return root;
}

function link(root: string, path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

describe("capture mode never follows a symlink out of the root", () => {
  test.each<[string, SourceId, (root: string) => void]>([
    ["an absolute link to the secret", "cmdline", (r) => link(r, "proc/cmdline", secretFile)],
    [
      "a relative ../.. link",
      "etc_default_kdump_tools",
      (r) => link(r, "etc/default/kdump-tools", `../../../outside/secret`),
    ],
    [
      "a chain of links, the first two inside",
      "kdump_conf",
      (r) => {
        link(r, "etc/kdump.conf", "kdump.conf.1");
        link(r, "etc/kdump.conf.1", "../etc/kdump.conf.2");
        link(r, "etc/kdump.conf.2", secretFile);
      },
    ],
    [
      "a file picked by the grub.d/*.cfg glob",
      "etc_default_grub_d",
      (r) => link(r, "etc/default/grub.d/99-evil.cfg", secretFile),
    ],
    [
      "the globbed directory itself",
      "etc_default_grub_d",
      (r) => {
        rmSync(join(r, "etc/default/grub.d"), { recursive: true });
        link(r, "etc/default/grub.d", join(outsideDir, "grub.d"));
      },
    ],
    [
      "a symlinked parent directory",
      "kexec_crash_size",
      (r) => {
        writeFileSync(join(outsideDir, "kexec_crash_size"), `${SECRET}\n`);
        link(r, "sys/kernel", outsideDir);
      },
    ],
    [
      "a symlinked dump directory (the listing)",
      "dump_dir_listing",
      (r) => link(r, "var/crash", join(outsideDir, "crash")),
    ],
    [
      "a dangling link that points out (not reported as merely missing)",
      "meminfo",
      (r) => link(r, "proc/meminfo", join(outsideDir, "no-such-file")),
    ],
  ])("%s: %s is a source error and the secret appears nowhere", async (_label, id, setup) => {
    const root = capture(setup);
    const snapshot = await collectSnapshot({ root, readTimeoutMs: 10_000 });
    const result = snapshot.sources[id];
    expect(result, JSON.stringify(result)).toMatchObject({ ok: false, error: "failed" });
    expect(result?.ok === false ? result.detail : "").toMatch(/outside the capture directory, not read/);
    expect(JSON.stringify(snapshot)).not.toContain(SECRET);
  });

  test("links that stay inside the capture are still read (sos keeps tailed files behind relative links)", async () => {
    const root = capture((r) => {
      mkdirSync(join(r, "sos_strings"), { recursive: true });
      writeFileSync(join(r, "sos_strings/cmdline"), "ro crashkernel=512M\n");
      link(r, "proc/cmdline", "../sos_strings/cmdline");
      link(r, "etc/default/grub.d/20-link.cfg", "10-ok.cfg");
    });
    const snapshot = await collectSnapshot({ root });
    expect(snapshot.sources.cmdline).toMatchObject({ ok: true, text: "ro crashkernel=512M\n" });
    expect(snapshot.sources.etc_default_grub_d).toMatchObject({ ok: true });
    expect(snapshot.sources.etc_default_grub_d?.ok && snapshot.sources.etc_default_grub_d.text).toContain(
      "# file: /etc/default/grub.d/20-link.cfg",
    );
  });

  test("a kdumpwatch.json leading out of the capture is not read", async () => {
    writeFileSync(
      join(outsideDir, "record.json"),
      JSON.stringify({
        format: "kdumpwatch-capture/1",
        sources: { cmdline: { error: "permission", detail: SECRET } },
      }),
    );
    const root = capture((r) => link(r, "kdumpwatch.json", join(outsideDir, "record.json")));
    const snapshot = await collectSnapshot({ root });
    expect(JSON.stringify(snapshot)).not.toContain(SECRET);
    expect(snapshot.sources.cmdline).toMatchObject({ ok: false, error: "missing" });
  });
});
