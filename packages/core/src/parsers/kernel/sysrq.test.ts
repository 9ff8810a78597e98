import { describe, expect, test } from "vitest";
import all1 from "../../../fixtures/sysrq/all-enabled-1.txt?raw";
import disabled0 from "../../../fixtures/sysrq/disabled-0.txt?raw";
import rhelSystem from "../../../fixtures/sysrq/rhel-sysctl-system-excerpt.txt?raw";
import rhel16 from "../../../fixtures/sysrq/rhel-systemd-default-16.txt?raw";
import ubuntu176 from "../../../fixtures/sysrq/ubuntu-default-176.txt?raw";
import ubuntuSystem from "../../../fixtures/sysrq/ubuntu-sysctl-system-excerpt.txt?raw";
import ubuntuConf from "../../../fixtures/sysrq/ubuntu-sysrq-conf-comment-block.txt?raw";
import { parseSysrq } from "./sysrq.ts";

describe("parseSysrq", () => {
  test.each<[string, string, number | null, boolean | null]>([
    ["fixture ubuntu-default-176", ubuntu176, 176, false],
    ["fixture rhel-systemd-default-16", rhel16, 16, false],
    ["fixture all-enabled-1", all1, 1, true],
    ["fixture disabled-0", disabled0, 0, false],
    ["fixture ubuntu-sysctl-system-excerpt", ubuntuSystem, 176, false],
    ["fixture rhel-sysctl-system-excerpt", rhelSystem, 16, false],
    ["fixture ubuntu-sysrq-conf-comment-block", ubuntuConf, 176, false],
    ["8 alone", "8\n", 8, true],
    ["0x8 in hex", "0x8", 8, true],
    ["446 = 0x1be has the 0x8 bit set", "446", 446, true],
    ["64 (the often-claimed 'crash' bit) is not it", "64", 64, false],
    ["256 (bit index 8) is not it", "256", 256, false],
    ["garbage", "yes", null, null],
  ])("%s", (_name, text, value, keyboard) => {
    const r = parseSysrq(text).value;
    expect(r.value).toBe(value);
    expect(r.keyboardCrash).toBe(keyboard);
  });

  test("trap 15: sysrq never gates /proc/sysrq-trigger; bit 0x8, not 64, gates keyboard c; 176 and 16 block it", () => {
    for (const text of ["0", "176", "16", "1"]) {
      expect(parseSysrq(text).value.triggerFileGated, `value ${text}`).toBe(false);
    }
    expect(parseSysrq("176").value.enabled).toEqual(["sync", "remount-ro", "reboot"]);
    expect(parseSysrq("16").value.enabled).toEqual(["sync"]);
    expect(parseSysrq("64").value.keyboardCrash).toBe(false);
    expect(parseSysrq("8").value.keyboardCrash).toBe(true);
    expect(parseSysrq("1").value.enabled).toBe("all");
  });
});
