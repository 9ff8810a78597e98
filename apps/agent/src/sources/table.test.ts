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
const ALLOWED_PROGRAMS = ["uname", "dmesg", "journalctl", "kdump-config", "kdumpctl", "mokutil", "df"];

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
