import { describe, expect, test } from "vitest";
import { parseDf } from "./df.ts";

const K = 1024;
const DF_P = [
  "Filesystem     1024-blocks     Used Available Capacity Mounted on",
  "/dev/sda1         30298176 12345678  16389348      43% /",
].join("\n");

const SOS = [
  "Filesystem                                   1K-blocks     Used Available Use% Mounted on",
  "sysfs                                                0        0         0    - /sys",
  "proc                                                 0        0         0    - /proc",
  "/dev/mapper/rhel_very--long--hostname-root",
  "                                              52403200  4316432  48086768   9% /",
  "/dev/sda1                                      1038336   237128    801208  23% /boot",
  "/dev/mapper/rhel_very--long--hostname-var_crash",
  "                                             104806400  1048576 103757824   2% /var/crash",
  "tmpfs                                          1611996        0   1611996   0% /run/user/0",
].join("\n");

describe("parseDf", () => {
  test.each([
    ["df -P -k, root only", DF_P, "/var/crash", "/", 16389348 * K],
    ["sos df -al, wrapped device, dedicated /var/crash", SOS, "/var/crash", "/var/crash", 103757824 * K],
    ["sos df -al, trailing slash in dir", SOS, "/var/crash/", "/var/crash", 103757824 * K],
    ["sos df -al, /var/crashdump is not under /var/crash", SOS, "/var/crashdump", "/", 48086768 * K],
    ["sos df -al, /boot", SOS, "/boot/x", "/boot", 801208 * K],
    ["CRLF", DF_P.replaceAll("\n", "\r\n"), "/var/crash", "/", 16389348 * K],
  ])("%s", (_n, text, dir, mount, avail) => {
    const { value, issues } = parseDf(text, dir);
    expect(value.match?.mount, JSON.stringify(issues)).toBe(mount);
    expect(value.match?.availableBytes).toBe(avail);
  });

  test("the wrapped entry keeps the device name and both lines as evidence", () => {
    const m = parseDf(SOS, "/var/crash").value.match!;
    expect(m.filesystem).toBe("/dev/mapper/rhel_very--long--hostname-var_crash");
    expect(m.line).toBe(7);
    expect(m.text.split("\n")).toHaveLength(2);
    expect(m.sizeBytes).toBe(104806400 * K);
    expect(m.usePercent).toBe(2);
  });

  test("pseudo filesystems with '-' have null sizes", () => {
    const sys = parseDf(SOS, "/sys").value.match!;
    expect([sys.filesystem, sys.usePercent]).toEqual(["sysfs", null]);
  });

  test("an over-mount: the later line wins on the same mount point", () => {
    const text = `${DF_P}\n/dev/sdb1 100 10 90 10% /\n`;
    expect(parseDf(text, "/var/crash").value.match?.filesystem).toBe("/dev/sdb1");
  });

  test("mount points with spaces and 512-byte blocks", () => {
    const text =
      "Filesystem 512-blocks Used Available Capacity Mounted on\n/dev/sdc1 2000 1000 1000 50% /mnt/crash dumps\n";
    const m = parseDf(text, "/mnt/crash dumps/x").value.match!;
    expect([m.mount, m.availableBytes]).toEqual(["/mnt/crash dumps", 1000 * 512]);
  });

  test("df -h output is flagged; junk and no match are issues", () => {
    expect(parseDf("Filesystem Size Used Avail Use% Mounted on\n", "/").issues.map((i) => i.code)).toContain(
      "human-sizes",
    );
    expect(parseDf("garbage here\n", "/var/crash").issues.map((i) => i.code)).toEqual([
      "bad-row",
      "no-filesystems",
    ]);
    expect(parseDf(DF_P, "var/crash").issues.map((i) => i.code)).toEqual(["relative-dir", "no-match"]);
  });
});
