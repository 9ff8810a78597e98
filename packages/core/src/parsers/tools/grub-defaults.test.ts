import { describe, expect, test } from "vitest";
import history from "../../../fixtures/other/kdump-tools-grub-cfg-history.txt?raw";
import ubuntu2204 from "../../../fixtures/other/ubuntu-grub-kdump-tools-cfg-2204.txt?raw";
import { parseGrubDefaults } from "./grub-defaults.ts";

const ETC_DEFAULT_GRUB = [
  "GRUB_DEFAULT=0",
  'GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"',
  'GRUB_CMDLINE_LINUX=""',
].join("\n");

describe("parseGrubDefaults", () => {
  test("Ubuntu 22.04 kdump-tools.cfg alone: the token and its evidence line", () => {
    const { value, issues } = parseGrubDefaults(ubuntu2204);
    expect(issues).toEqual([]);
    expect(value.effective?.token).toBe("crashkernel=512M-:192M");
    expect(value.effective?.text).toBe(ubuntu2204.trim());
    expect(value.cmdline).toBe("crashkernel=512M-:192M");
  });

  test("grub.d drop-in self-expands on top of /etc/default/grub", () => {
    const grub = parseGrubDefaults(ETC_DEFAULT_GRUB, { file: "/etc/default/grub" }).value;
    const d = parseGrubDefaults(`# file: /etc/default/grub.d/kdump-tools.cfg\n${ubuntu2204}`, {
      previous: grub,
    });
    expect(d.value.cmdline).toBe("quiet splash crashkernel=512M-:192M");
    expect(d.value.effective).toMatchObject({
      value: "512M-:192M",
      variable: "GRUB_CMDLINE_LINUX_DEFAULT",
      file: "/etc/default/grub.d/kdump-tools.cfg",
      line: 2,
    });
    expect(d.value.files).toEqual(["/etc/default/grub.d/kdump-tools.cfg"]);
  });

  test("later files and later assignments override earlier ones", () => {
    const text = [
      "# file: /etc/default/grub.d/50-cloudimg-settings.cfg",
      'GRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0"',
      "# file: /etc/default/grub.d/kdump-tools.cfg",
      'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"',
      "# file: /etc/default/grub.d/zz-local.cfg",
      'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=1G-:384M"',
    ].join("\r\n");
    const { value } = parseGrubDefaults(text);
    expect(value.crashkernelTokens.map((t) => [t.value, t.file])).toEqual([
      ["512M-:192M", "/etc/default/grub.d/kdump-tools.cfg"],
      ["1G-:384M", "/etc/default/grub.d/zz-local.cfg"],
    ]);
    expect(value.effective?.value, "the kernel keeps the last plain token").toBe("1G-:384M");
  });

  test("GRUB_CMDLINE_LINUX comes before GRUB_CMDLINE_LINUX_DEFAULT; ,high is used only without a plain token", () => {
    const only = parseGrubDefaults('GRUB_CMDLINE_LINUX="crashkernel=1G,high crashkernel=0,low"\n').value;
    expect(only.effective?.token).toBe("crashkernel=1G,high");
    const both = parseGrubDefaults(
      'GRUB_CMDLINE_LINUX_DEFAULT="crashkernel=256M"\nGRUB_CMDLINE_LINUX="crashkernel=1G,high Crashkernel=2G"\n',
    ).value;
    expect(both.crashkernelTokens.map((t) => t.token)).toEqual(["crashkernel=1G,high", "crashkernel=256M"]);
    expect(both.effective?.token).toBe("crashkernel=256M");
  });

  test("trap 19: a wrong-case Crashkernel= in grub is not a crashkernel token (the kernel match is case-sensitive)", () => {
    const { value } = parseGrubDefaults('GRUB_CMDLINE_LINUX_DEFAULT="quiet Crashkernel=512M"\n');
    expect(value.crashkernelTokens).toEqual([]);
    expect(value.effective).toBeNull();
    expect(value.cmdline).toBe("quiet Crashkernel=512M");
  });

  test("no crashkernel configured gives no effective token", () => {
    expect(parseGrubDefaults(ETC_DEFAULT_GRUB).value.effective).toBeNull();
  });

  const historyLines = history
    .split("\n")
    .filter((l) => /^\d{4}-\d{2}-\d{2} /.test(l))
    .map((l) => [l.slice(0, 10), l.slice(11)] as const);
  test.each(historyLines)(
    "kdump-tools grub cfg history %s: one crashkernel token, self-expansion kept",
    (_date, line) => {
      const { value, issues } = parseGrubDefaults(line, {
        previous: parseGrubDefaults(ETC_DEFAULT_GRUB).value,
      });
      expect(issues).toEqual([]);
      expect(value.crashkernelTokens).toHaveLength(1);
      expect(value.cmdline.startsWith("quiet splash crashkernel=")).toBe(true);
      expect(line).toContain(value.effective?.token ?? "<none>");
    },
  );
});
