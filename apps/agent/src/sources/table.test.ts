import { SOURCE_IDS } from "@kdumpwatch/core";
import { describe, expect, test } from "vitest";
import type { HostContext, Reader } from "./reader.ts";
import { SOURCE_TABLE } from "./table.ts";

const CONTEXTS: HostContext[] = [
  { family: "debian", dumpDir: "/var/crash", dfTarget: "/var" },
  { family: "el", dumpDir: "/var/crash", dfTarget: "/var/crash" },
  { family: "unknown", dumpDir: "/var/crash", dfTarget: "/var/crash" },
];

/** product.md §7: the agent runs a fixed allow-list of commands. Adding one is a reviewed change. */
const ALLOWED_PROGRAMS = [
  "uname",
  "dmesg",
  "journalctl",
  "kdump-config",
  "kdumpctl",
  "mokutil",
  "df",
  // issue 11: the service that arms capture, the installed packages, SUSE's calibration
  "systemctl",
  "rpm",
  "dpkg-query",
  "kdumptool",
];

/** The read-only subcommands each tool may be asked for: nothing that loads, restarts or writes. */
const READ_ONLY_VERBS: Record<string, readonly string[]> = {
  "kdump-config": ["show", "status", "test"],
  kdumpctl: ["status", "estimate", "showmem"],
  systemctl: ["status"],
  rpm: ["-q"],
  "dpkg-query": ["-W"],
  kdumptool: ["calibrate"],
};

const allReaders = (pick: "live" | "capture"): [string, Reader][] =>
  SOURCE_IDS.flatMap((id) =>
    CONTEXTS.flatMap((ctx) => SOURCE_TABLE[id][pick](ctx).map((r) => [id, r] as [string, Reader])),
  );

describe("the sources table", () => {
  test("maps exactly core's source names", () => {
    expect(Object.keys(SOURCE_TABLE).sort()).toEqual([...SOURCE_IDS].sort());
  });

  test("live commands are allow-listed programs, never a shell", () => {
    for (const [id, r] of allReaders("live")) {
      if (r.kind !== "command") continue;
      expect(ALLOWED_PROGRAMS, `${id}: ${r.argv.join(" ")}`).toContain(r.argv[0]);
    }
  });

  test("tool commands only ask read-only questions (kdump-config test is its DRY_RUN, KT kdump-config)", () => {
    for (const [id, r] of allReaders("live")) {
      if (r.kind !== "command") continue;
      const verbs = READ_ONLY_VERBS[r.argv[0]];
      if (verbs) expect(verbs, `${id}: ${r.argv.join(" ")}`).toContain(r.argv[1]);
    }
  });

  test("the service status asks systemd about the family's kdump unit only", () => {
    const units = (ctx: HostContext) =>
      SOURCE_TABLE.kdump_service_status
        .live(ctx)
        .flatMap((r) => (r.kind === "command" ? r.argv.slice(5) : []));
    expect(units(CONTEXTS[0]!)).toEqual(["kdump-tools.service"]);
    expect(units(CONTEXTS[1]!)).toEqual(["kdump.service"]);
    expect(units(CONTEXTS[2]!)).toEqual(["kdump-tools.service", "kdump.service"]);
  });

  test("a capture is only read from files and directories: no reader runs a command", () => {
    for (const [id, r] of allReaders("capture")) expect(r.kind, id).not.toBe("command");
  });

  test("every source's first capture reader is one collect --out can write back", () => {
    for (const id of SOURCE_IDS) {
      for (const ctx of CONTEXTS) {
        const first = SOURCE_TABLE[id].capture(ctx)[0];
        expect(first?.kind, `${id} (${ctx.family})`).toMatch(/^(file|concat|listing)$/);
      }
    }
  });

  test("command outputs sit at their sos report names in a capture", () => {
    const debian = CONTEXTS[0]!;
    const el = CONTEXTS[1]!;
    const firstPath = (id: (typeof SOURCE_IDS)[number], ctx: HostContext) => {
      const r = SOURCE_TABLE[id].capture(ctx)[0];
      return r?.kind === "file" ? r.path : null;
    };
    expect(firstPath("dmesg", debian)).toBe("sos_commands/kernel/dmesg");
    expect(firstPath("kdump_config_show", debian)).toBe("sos_commands/kdump/kdump-config_show");
    expect(firstPath("kdumpctl_status", el)).toBe("sos_commands/kdump/kdumpctl_status");
    expect(firstPath("kdumpctl_estimate", el)).toBe("sos_commands/kdump/kdumpctl_estimate");
    expect(firstPath("uname", debian)).toBe("sos_commands/kernel/uname_-a");
    expect(firstPath("mokutil_sb_state", debian)).toBe("sos_commands/boot/mokutil_--sb-state");
    expect(firstPath("kdump_service_journal", debian)).toBe(
      "sos_commands/kdump/journalctl_-b_-u_kdump-tools",
    );
    expect(firstPath("kdump_service_journal", el)).toBe("sos_commands/kdump/journalctl_-b_-u_kdump");
    expect(firstPath("df_dump_dir", debian)).toBe("sos_commands/filesys/df_-al_-x_autofs");
    expect(firstPath("cmdline", debian)).toBe("/proc/cmdline");
    expect(firstPath("kdump_service_status", el)).toBe("sos_commands/systemd/systemctl_status_--all");
    expect(firstPath("kdump_log", el)).toBe("/var/log/kdump.log");
    expect(firstPath("system_log", el)).toBe("sos_commands/logs/journalctl_--no-pager_--boot");
    expect(SOURCE_TABLE.system_log.capture(el).map((r) => (r.kind === "file" ? r.path : r.kind))).toContain(
      "/var/log/messages",
    );
    expect(firstPath("installed_packages", el)).toBe("installed-rpms");
    expect(
      SOURCE_TABLE.installed_packages.capture(debian).map((r) => (r.kind === "file" ? r.path : r.kind)),
    ).toContain("sos_commands/dpkg/dpkg_-l");
    expect(firstPath("kdumpctl_showmem", el)).toBe("sos_commands/kdump/kdumpctl_showmem");
    expect(firstPath("kdump_config_status", debian)).toBe("sos_commands/kdump/kdump-config_status");
  });

  test("the dump directory comes from the host context, live and in a capture", () => {
    const ctx: HostContext = { family: "debian", dumpDir: "/srv/dumps", dfTarget: "/srv" };
    expect(SOURCE_TABLE.dump_dir_listing.live(ctx)).toEqual([{ kind: "listing", dir: "/srv/dumps" }]);
    expect(SOURCE_TABLE.dump_dir_listing.capture(ctx)).toEqual([{ kind: "listing", dir: "/srv/dumps" }]);
    expect(SOURCE_TABLE.df_dump_dir.live(ctx)).toEqual([
      { kind: "command", argv: ["df", "-P", "-k", "/srv"] },
    ]);
  });
});
