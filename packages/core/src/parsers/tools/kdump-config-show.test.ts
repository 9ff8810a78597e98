import { describe, expect, test } from "vitest";
import tabs110 from "../../../fixtures/kdump-config-show/constructed-debian-1.10-not-ready-real-tabs.txt?raw";
import fadump from "../../../fixtures/kdump-config-show/constructed-fadump-ready.txt?raw";
import remote from "../../../fixtures/kdump-config-show/constructed-nfs-ftp-remote.txt?raw";
import u1404off from "../../../fixtures/kdump-config-show/ubuntu-1404-not-ready-use-kdump-0.txt?raw";
import u1404 from "../../../fixtures/kdump-config-show/ubuntu-1404-ready-no-symlink-lines.txt?raw";
import u1604nfs from "../../../fixtures/kdump-config-show/ubuntu-1604-nfs-doc.txt?raw";
import u1604odd from "../../../fixtures/kdump-config-show/ubuntu-1604-ready-odd-indent-doc.txt?raw";
import u1604ssh from "../../../fixtures/kdump-config-show/ubuntu-1604-ssh-doc.txt?raw";
import u2004 from "../../../fixtures/kdump-config-show/ubuntu-2004-ready-kdump-sysctl.txt?raw";
import u2204 from "../../../fixtures/kdump-config-show/ubuntu-2204-ready.txt?raw";
import u2404 from "../../../fixtures/kdump-config-show/ubuntu-2404-aws-ready-suggested.txt?raw";
import u2604no from "../../../fixtures/kdump-config-show/ubuntu-2604-not-ready-1g-doc.txt?raw";
import u2604 from "../../../fixtures/kdump-config-show/ubuntu-2604-ready-doc.txt?raw";
import placeholder from "../../../fixtures/kdump-config-show/ubuntu-doc-placeholder-ready.txt?raw";
import { parseKdumpConfigShow } from "./kdump-config-show.ts";

interface Expect {
  useKdump: string | null;
  ready: boolean | null;
  mode: "kdump" | "fadump";
  addrState: "reserved" | "empty" | "zeroed" | null;
  addresses: Array<number | null>;
  kernelVersion: string | null;
  initrdVersion: string | null;
  sysctl: boolean;
  suggested: number | null | "unknown";
  kexecRecorded: boolean | null;
  missing: string[];
  messages: string[];
  remote: string[];
}

const base: Expect = {
  useKdump: "1",
  ready: true,
  mode: "kdump",
  addrState: "reserved",
  addresses: [],
  kernelVersion: null,
  initrdVersion: null,
  sysctl: false,
  suggested: null,
  kexecRecorded: true,
  missing: [],
  messages: [],
  remote: [],
};

const M = 1024 * 1024;
const fixtures: Array<[string, string, Partial<Expect>]> = [
  [
    "constructed-debian-1.10-not-ready-real-tabs",
    tabs110,
    {
      ready: false,
      addrState: "empty",
      kernelVersion: "6.18.0-8-generic",
      initrdVersion: "6.18.0-8-generic",
      suggested: 329 * M,
      kexecRecorded: false,
    },
  ],
  [
    "constructed-fadump-ready",
    fadump,
    {
      mode: "fadump",
      addrState: null,
      kernelVersion: "6.8.0-45-generic",
      initrdVersion: "6.8.0-45-generic",
      kexecRecorded: null,
    },
  ],
  [
    "constructed-nfs-ftp-remote",
    remote,
    {
      addresses: [0x5f000000],
      kernelVersion: "6.8.0-45-generic",
      initrdVersion: "6.8.0-45-generic",
      suggested: "unknown",
      remote: ["nfs", "ftp"],
    },
  ],
  [
    "ubuntu-1404-not-ready-use-kdump-0",
    u1404off,
    {
      useKdump: "0",
      ready: false,
      addrState: "empty",
      sysctl: true,
      kexecRecorded: false,
      messages: ["use-kdump-not-set", "no-crashkernel-param"],
    },
  ],
  ["ubuntu-1404-ready-no-symlink-lines", u1404, { addresses: [0x2d000000], sysctl: true }],
  [
    "ubuntu-1604-nfs-doc",
    u1604nfs,
    {
      addresses: [0x2c000000],
      sysctl: true,
      kernelVersion: "4.4.0-10-generic",
      initrdVersion: "4.4.0-10-generic",
      kexecRecorded: null,
      missing: ["kexec command"],
      remote: ["nfs"],
    },
  ],
  [
    "ubuntu-1604-ready-odd-indent-doc",
    u1604odd,
    {
      addresses: [0x2c000000],
      sysctl: true,
      kernelVersion: "4.4.0-10-generic",
      initrdVersion: "4.4.0-10-generic",
    },
  ],
  [
    "ubuntu-1604-ssh-doc",
    u1604ssh,
    {
      addresses: [0x2c000000],
      sysctl: true,
      kernelVersion: "4.4.0-10-generic",
      initrdVersion: "4.4.0-10-generic",
      kexecRecorded: null,
      missing: ["kexec command"],
      remote: ["ssh"],
    },
  ],
  [
    "ubuntu-2004-ready-kdump-sysctl",
    u2004,
    {
      addresses: [0xb3000000],
      sysctl: true,
      kernelVersion: "5.15.0-69-generic",
      initrdVersion: "5.15.0-69-generic",
    },
  ],
  [
    "ubuntu-2204-ready",
    u2204,
    { addresses: [0xbf000000], kernelVersion: "5.15.0-46-generic", initrdVersion: "5.15.0-46-generic" },
  ],
  [
    "ubuntu-2404-aws-ready-suggested",
    u2404,
    {
      addresses: [0x69000000],
      kernelVersion: "6.8.0-1027-aws",
      initrdVersion: "6.8.0-1027-aws",
      suggested: 371 * M,
    },
  ],
  [
    "ubuntu-2604-not-ready-1g-doc",
    u2604no,
    {
      ready: false,
      addrState: "empty",
      kernelVersion: "6.18.0-8-generic",
      initrdVersion: "6.18.0-8-generic",
      suggested: 329 * M,
      kexecRecorded: false,
    },
  ],
  [
    "ubuntu-2604-ready-doc",
    u2604,
    {
      addresses: [0x60000000],
      kernelVersion: "6.18.0-8-generic",
      initrdVersion: "6.18.0-8-generic",
      suggested: 417 * M,
    },
  ],
  ["ubuntu-doc-placeholder-ready", placeholder, { addrState: "empty", sysctl: true }],
];

describe("parseKdumpConfigShow over real and constructed fixtures", () => {
  test.each(fixtures)("%s", (name, text, partial) => {
    const want = { ...base, ...partial };
    const { value: v, issues } = parseKdumpConfigShow(text);
    const ctx = `${name}: ${JSON.stringify(issues)}`;
    expect(v.found, ctx).toBe(true);
    expect(v.useKdump?.value ?? null, ctx).toBe(want.useKdump);
    expect(v.state?.value.ready ?? null, ctx).toBe(want.ready);
    expect(v.mode, ctx).toBe(want.mode);
    expect(v.crashkernelAddr?.state ?? null, ctx).toBe(want.addrState);
    if (want.addresses.length > 0) {
      expect(
        v.crashkernelAddr?.addresses.map((a) => a.start),
        ctx,
      ).toEqual(want.addresses);
    }
    expect(v.kernelLink?.value.kernelVersion ?? null, ctx).toBe(want.kernelVersion);
    expect(v.initrdLink?.value.kernelVersion ?? null, ctx).toBe(want.initrdVersion);
    expect(v.kdumpSysctl !== null, ctx).toBe(want.sysctl);
    const sug = v.suggestedSize ? (v.suggestedSize.value.bytes ?? "unknown") : null;
    expect(sug, ctx).toBe(want.suggested);
    expect(v.kexecCommand?.recorded ?? null, ctx).toBe(want.kexecRecorded);
    expect(v.missingSections, ctx).toEqual(want.missing);
    expect(v.complete, ctx).toBe(want.missing.length === 0);
    expect(
      v.messages.map((m) => m.code),
      ctx,
    ).toEqual(want.messages);
    expect(v.remoteTargets, ctx).toEqual(want.remote);
    expect(
      issues.filter((i) => i.code === "unknown-line"),
      ctx,
    ).toEqual([]);
  });
});

const TAB = "\t";
describe("parseKdumpConfigShow edge cases", () => {
  test("trap 13: kdump-config show with spaces, tabs, KDUMP_SYSCTL or not parses the same", () => {
    const tabs = [
      `DUMP_MODE:${TAB}${TAB}kdump`,
      `USE_KDUMP:${TAB}${TAB}1`,
      `KDUMP_COREDIR:${TAB}${TAB}/var/crash`,
      "crashkernel addr: 0x5f000000",
      "   /var/lib/kdump/vmlinuz: symbolic link to /boot/vmlinuz-6.8.0-45-generic",
      "kdump initrd: ",
      "   /var/lib/kdump/initrd.img: symbolic link to /var/lib/kdump/initrd.img-6.8.0-45-generic",
      "current state:    ready to kdump",
      "",
      "kexec command:",
      "  /sbin/kexec -p -s --initrd=/var/lib/kdump/initrd.img /var/lib/kdump/vmlinuz",
    ].join("\n");
    const spaces = tabs
      .replaceAll(`${TAB}${TAB}`, "        ")
      .replace("USE_KDUMP:        1", "USE_KDUMP:        1\nKDUMP_SYSCTL:     kernel.panic_on_oops=1");
    const a = parseKdumpConfigShow(tabs).value;
    const b = parseKdumpConfigShow(`${spaces}\r\n`.replaceAll("\n", "\r\n")).value;
    const pick = (v: typeof a) => ({
      use: v.useKdump?.value,
      dir: v.coredir?.value,
      addr: v.crashkernelAddr?.addresses.map((x) => x.start),
      kernel: v.kernelLink?.value.target,
      initrd: v.initrdLink?.value.target,
      ready: v.state?.value.ready,
      cmd: v.kexecCommand?.command,
      fileLoad: v.kexecCommand?.fileLoad,
    });
    expect(pick(b)).toEqual(pick(a));
    expect(a.kdumpSysctl).toBeNull();
    expect(b.kdumpSysctl?.value).toBe("kernel.panic_on_oops=1");
    expect(a.useKdump?.text, "evidence keeps the original TABs").toBe(`USE_KDUMP:${TAB}${TAB}1`);
  });

  test("trap 12: the kexec command block is kept but flagged historical", () => {
    const { value } = parseKdumpConfigShow(u2204);
    expect(value.kexecCommand?.historical).toBe(true);
    expect(value.kexecCommand?.command).toContain("/sbin/kexec -p");
    expect(value.kexecCommand?.fileLoad, "no -s in the 22.04 sample").toBe(false);
    expect(parseKdumpConfigShow(u2604).value.kexecCommand?.fileLoad, "26.04 sample uses -s").toBe(true);
  });

  test("trap 11: a not-ready host is read from the text, state Not ready, whatever the exit code", () => {
    const { value } = parseKdumpConfigShow(u2604no);
    expect(value.state?.value).toEqual({ ready: false, mode: "kdump" });
    expect(value.state?.text).toBe("current state:    Not ready to kdump");
  });

  test("trap 6: a low+high reservation prints a second bare address line, both are kept", () => {
    const text =
      "USE_KDUMP:\t\t1\nKDUMP_COREDIR:\t\t/var/crash\ncrashkernel addr: 0x3f000000\n0x23f000000\n   /var/lib/kdump/vmlinuz\nkdump initrd: \n   /var/lib/kdump/initrd.img\ncurrent state:    ready to kdump\n\nkexec command:\n  no kexec command recorded\n";
    const { value, issues } = parseKdumpConfigShow(text);
    expect(
      value.crashkernelAddr?.addresses.map((a) => [a.hex, a.line]),
      JSON.stringify(issues),
    ).toEqual([
      ["0x3f000000", 3],
      ["0x23f000000", 4],
    ]);
    expect(value.kernelLink?.value).toEqual({
      path: "/var/lib/kdump/vmlinuz",
      kind: "path",
      target: null,
      kernelVersion: null,
    });
  });

  test("trap 19: with only `Crashkernel=` (wrong case) kdump-config prints no crashkernel message, yet nothing is reserved", () => {
    // kdump-config greps /proc/cmdline case-insensitively, the kernel does not: no message is no proof.
    const { value } = parseKdumpConfigShow(u2604no);
    expect(value.messages).toEqual([]);
    expect(value.crashkernelAddr?.state).toBe("empty");
    expect(value.state?.value.ready).toBe(false);
  });

  test("trap 10: `crashkernel addr: 0x` alone (non-root read) is zeroed, not empty", () => {
    const { value } = parseKdumpConfigShow("USE_KDUMP:\t\t1\ncrashkernel addr: 0x\n");
    expect(value.crashkernelAddr?.state).toBe("zeroed");
    expect(value.crashkernelAddr?.addresses[0]?.start).toBeNull();
  });

  test("trap 14: fadump output has no crashkernel addr and stops after the state line", () => {
    const { value, issues } = parseKdumpConfigShow(fadump);
    expect(value.state?.value).toEqual({ ready: true, mode: "fadump" });
    expect(value.crashkernelAddr).toBeNull();
    expect(value.missingSections, JSON.stringify(issues)).toEqual([]);
  });

  test.each([
    [
      "broken link",
      "   /var/lib/kdump/vmlinuz: broken symbolic link to /boot/vmlinuz-6.8.0-40-generic",
      "broken-symlink",
    ],
    ["symlink", "   /var/lib/kdump/vmlinuz: symbolic link to /boot/vmlinuz-6.8.0-45-generic", "symlink"],
    ["plain path", "   /var/lib/kdump/vmlinuz", "path"],
    [
      "old file(1) quotes",
      "   /var/lib/kdump/vmlinuz: symbolic link to `/boot/vmlinuz-4.4.0-1-generic'",
      "symlink",
    ],
  ])("kernel link line: %s", (_name, line, kind) => {
    const { value } = parseKdumpConfigShow(`USE_KDUMP:\t\t1\ncrashkernel addr: \n${line}\n`);
    expect(value.kernelLink?.value.kind).toBe(kind);
    expect(value.kernelLink?.text).toBe(line);
    if (kind !== "path") expect(value.kernelLink?.value.target).toMatch(/^\/boot\/vmlinuz-[^`']+$/);
  });

  test.each([
    [" * USE_KDUMP is not set or zero", "use-kdump-not-set", "ubuntu"],
    ["/etc/default/kdump-tools: USE_KDUMP is not set or zero", "use-kdump-not-set", "plain"],
    [" * no crashkernel= parameter in the kernel cmdline", "no-crashkernel-param", "ubuntu"],
    ["no crashkernel= parameter in the kernel cmdline ... failed!", "no-crashkernel-param", "debian"],
    [" * kdump is not supported by this kernel", "kdump-not-supported", "ubuntu"],
    [" * fadump is not configured in this kernel.", "fadump-not-configured", "ubuntu"],
    ['Try passing "fadump=on" to enable fadump ... failed!', "fadump-hint", "debian"],
    ["[FAIL] kdump is not supported by this kernel ... failed!", "kdump-not-supported", "debian"],
  ])("error line before the output: %s", (line, code, style) => {
    const { value } = parseKdumpConfigShow(`${line}\nDUMP_MODE:\t\tkdump\nUSE_KDUMP:\t\t0\n`);
    expect(value.messages.map((m) => [m.code, m.style, m.line])).toEqual([[code, style, 1]]);
  });

  test.each([
    ["bash", "bash: kdump-config: command not found"],
    ["dash", "sh: 1: kdump-config: not found"],
    ["ubuntu command-not-found", "Command 'kdump-config' not found, but can be installed with:"],
  ])("command not found (%s) is reported, not parsed as output", (_n, line) => {
    const { value } = parseKdumpConfigShow(`${line}\n`);
    expect(value.notFound?.text).toBe(line);
    expect(value.found).toBe(false);
  });

  test("truncated output reports the sections that never came", () => {
    const cut = u2604.slice(0, u2604.indexOf("current state") + 9);
    const { value, issues } = parseKdumpConfigShow(cut);
    expect(value.missingSections).toEqual(["current state", "kexec command"]);
    expect(value.complete).toBe(false);
    expect(issues.map((i) => i.code)).toEqual(expect.arrayContaining(["missing-section", "truncated-line"]));
  });

  test("USE_KDUMP printed empty is kept as an empty string", () => {
    const { value } = parseKdumpConfigShow(
      "DUMP_MODE:\t\tkdump\nUSE_KDUMP:\t\t\nKDUMP_COREDIR:\t\t/var/crash\n",
    );
    expect(value.useKdump?.value).toBe("");
  });

  test("suggested size Unknown keeps the estimator's reason", () => {
    const { value } = parseKdumpConfigShow(remote);
    expect(value.suggestedSize?.value).toEqual({
      bytes: null,
      unknownReason: "can't find early boot memory info, it's only available after a reboot",
    });
  });

  test("NFS_RETRANS without a colon and the FTP password marker are read", () => {
    const { value } = parseKdumpConfigShow(remote);
    expect(value.remote.nfsRetrans?.value).toBe("3");
    expect(value.remote.nfsTimeo?.value).toBe("600");
    expect(value.remote.ftpPassword?.value).toBe("is set");
    expect(value.remote.hosttag?.value).toBe("ip");
  });

  test("non-UTF-8 bytes decoded as U+FFFD do not derail the other fields", () => {
    const { value } = parseKdumpConfigShow(u2204.replace("/var/crash", "/var/cr\uFFFDsh"));
    expect(value.coredir?.value).toBe("/var/cr\uFFFDsh");
    expect(value.state?.value.ready).toBe(true);
  });
});
