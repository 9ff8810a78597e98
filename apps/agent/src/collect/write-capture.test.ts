import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Snapshot } from "@kdumpwatch/core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { collectSnapshot } from "./collector.ts";
import { writeCapture } from "./write-capture.ts";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "kdw-write-"));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function put(root: string, relative: string, text: string) {
  mkdirSync(dirname(join(root, relative)), { recursive: true });
  writeFileSync(join(root, relative), text);
}

/** Everything but `via`, which names the capture path rather than the original reader. */
function comparable(s: Snapshot) {
  return Object.fromEntries(
    Object.entries(s.sources).map(([id, r]) => {
      const { via: _via, ...rest } = r ?? { ok: false, error: "missing" };
      if (!rest.ok) return [id, { ok: false, error: rest.error }];
      return [id, rest];
    }),
  );
}

describe("writeCapture", () => {
  test("a written capture reads back to the same snapshot, errors and flags included", async () => {
    const a = join(work, "a");
    put(a, "proc/cmdline", "BOOT_IMAGE=/vmlinuz ro crashkernel=2G-4G:320M,4G-32G:512M\n");
    put(a, "etc/default/kdump-tools", "USE_KDUMP=1\nKDUMP_COREDIR=/var/crash\n");
    put(
      a,
      "etc/default/grub.d/kdump-tools.cfg",
      'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=x"\n',
    );
    put(a, "etc/default/grub.d/zz.cfg", "GRUB_TIMEOUT=1\n");
    put(a, "sos_commands/kernel/sysctl_-a", "kernel.sysrq = 176\n");
    put(a, "sos_commands/kdump/kdump-config_show", "current state:    ready to kdump\n");
    put(a, "var/crash/202601210724/dump.202601210724", "");
    put(a, "var/crash/202601210724/dmesg.202601210724", "panic\n");
    const t = new Date("2026-01-21T07:31:00Z");
    utimesSync(join(a, "var/crash/202601210724/dump.202601210724"), t, t);
    utimesSync(join(a, "var/crash/202601210724/dmesg.202601210724"), t, t);
    utimesSync(join(a, "var/crash/202601210724"), t, t);

    const first = await collectSnapshot({ root: a });
    // what a live collection records and files cannot: an error reason, a cut, an exit status
    first.sources.mokutil_sb_state = {
      ok: false,
      error: "not-found",
      detail: "mokutil --sb-state: command not found",
    };
    first.sources.kdump_config_show = { ok: true, text: "current state:    ready to kdump\n", exitCode: 3 };
    first.sources.cmdline = { ok: true, text: "BOOT_IMAGE=/vmlinuz\n", truncated: true };

    const b = join(work, "b");
    mkdirSync(b);
    await writeCapture(first, b, { agentVersion: "test" });
    const second = await collectSnapshot({ root: b });
    expect(comparable(second)).toEqual(comparable(first));
    expect(second.sources.mokutil_sb_state).toMatchObject({
      detail: expect.stringContaining("command not found"),
    });
  });

  test("dump files are re-created sparse with their listed size and time, and grub.d split back into files", async () => {
    const snapshot: Snapshot = {
      collectedAt: "2026-01-21T08:00:00.000Z",
      sources: {
        etc_default_kdump_tools: { ok: true, text: "KDUMP_COREDIR=/srv/dumps\n" },
        dump_dir_listing: {
          ok: true,
          text:
            "d 4096 2026-01-21T07:31:00Z 202601210724\n" +
            "f 51753823 2026-01-21T07:24:00Z 202601210724/dump.202601210724\n" +
            "l 12 2026-01-21T07:24:00Z latest\n" +
            "f 1 2026-01-21T07:24:00Z ../../escape\n",
        },
        etc_default_grub_d: {
          ok: true,
          text: "# file: /etc/default/grub.d/a.cfg\nA=1\n# file: /etc/default/grub.d/b.cfg\nB=2\n",
        },
      },
    };
    const out = join(work, "out");
    mkdirSync(out);
    await writeCapture(snapshot, out, { agentVersion: "test" });
    const dump = statSync(join(out, "srv/dumps/202601210724/dump.202601210724"));
    expect(dump.size).toBe(51753823);
    expect(dump.blocks * 512, "sparse: a vmcore's size costs no disk").toBeLessThan(1024 * 1024);
    expect(dump.mtime.toISOString()).toBe("2026-01-21T07:24:00.000Z");
    expect(statSync(join(out, "srv/dumps/202601210724")).mtime.toISOString()).toBe(
      "2026-01-21T07:31:00.000Z",
    );
    expect(lstatSync(join(out, "srv/dumps/latest")).isSymbolicLink()).toBe(true);
    expect(() => statSync(join(work, "escape")), "a listed path never escapes the capture").toThrow();
    expect(readFileSync(join(out, "etc/default/grub.d/b.cfg"), "utf8")).toBe("B=2\n");
    const record = JSON.parse(readFileSync(join(out, "kdumpwatch.json"), "utf8"));
    expect(record.format).toBe("kdumpwatch-capture/1");
  });
});
