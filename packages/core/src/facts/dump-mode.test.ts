import { describe, expect, test } from "vitest";
import notSupported from "../../fixtures/fadump/constructed-not-supported.txt?raw";
import v5 from "../../fixtures/fadump/constructed-v5-reserved-registered.txt?raw";
import qemu from "../../fixtures/fadump/qemu-power10-rtas-registered.txt?raw";
import showFadump from "../../fixtures/kdump-config-show/constructed-fadump-ready.txt?raw";
import show2204 from "../../fixtures/kdump-config-show/ubuntu-2204-ready.txt?raw";
import fadumpInitrd from "../../fixtures/service-journal/constructed-fadump-mkfadumprd-failed.txt?raw";
import type { Snapshot, SourceId } from "../sources.ts";
import { buildDumpMode } from "./dump-mode.ts";
import { createSourceContext } from "./source-context.ts";

function mode(sources: Partial<Record<SourceId, string>>, arch: string | null = "ppc64le") {
  const out: Snapshot["sources"] = {};
  for (const [id, text] of Object.entries(sources)) out[id as SourceId] = { ok: true, text: text as string };
  return buildDumpMode(createSourceContext({ sources: out, collectedAt: "" }), arch);
}

describe("fadump is recognised from every sign of it", () => {
  test.each([
    ["sysfs fadump/enabled = 1", { fadump_enabled: "1\n" }, "fadump_enabled"],
    ["sysfs fadump/registered = 1", { fadump_registered: "1\n" }, "fadump_registered"],
    ["kdump-config show DUMP_MODE: fadump", { kdump_config_show: showFadump }, "kdump_config_show"],
    [
      "kdump-config status `ready to fadump`",
      { kdump_config_status: "current state   : ready to fadump\n" },
      "kdump_config_status",
    ],
    [
      "kdumpctl `Dump mode is fadump` in the unit journal",
      { kdump_service_journal: fadumpInitrd },
      "kdump_service_journal",
    ],
    ["kernel `rtas fadump: Registration is successful!`", { dmesg: qemu }, "dmesg"],
    ["kernel v5.x `Reserved …MB … for firmware-assisted dump`", { dmesg: v5 }, "dmesg"],
    [
      "`fadump=on` on the command line",
      { cmdline: "BOOT_IMAGE=/vmlinuz root=/dev/sda2 fadump=on\n" },
      "cmdline",
    ],
    ["`fadump=nocma`", { cmdline: "root=/dev/sda2 fadump=nocma crashkernel=4G\n" }, "cmdline"],
    [
      'SUSE KDUMP_FADUMP="true"',
      { sysconfig_kdump: 'KDUMP_SAVEDIR="/var/crash"\nKDUMP_FADUMP="true"\n' },
      "sysconfig_kdump",
    ],
  ] as const)("%s", (_name, sources, source) => {
    const m = mode(sources);
    expect(m.mode).toBe("fadump");
    expect(m.evidence[0]?.source).toBe(source);
  });

  test.each([
    ["fadump/enabled = 0 wins over fadump=on", { fadump_enabled: "0\n", cmdline: "root=/x fadump=on\n" }],
    ["firmware without fadump switches it off", { dmesg: notSupported, cmdline: "root=/x fadump=on\n" }],
    ["the last fadump= wins", { cmdline: "root=/x fadump=on fadump=off\n" }],
    ["a kdump-mode show", { kdump_config_show: show2204 }],
  ] as const)("kdump, not fadump: %s", (_name, sources) => {
    expect(mode(sources).mode).toBe("kdump");
  });

  test("fadump=on means nothing on x86 (fadump is ppc64 only)", () => {
    expect(mode({ cmdline: "root=/x fadump=on\n", kexec_crash_loaded: "1\n" }, "x86_64").mode).toBe("kdump");
  });

  test("no sign at all leaves the mode unknown", () => {
    expect(mode({}).mode).toBeNull();
  });
});
