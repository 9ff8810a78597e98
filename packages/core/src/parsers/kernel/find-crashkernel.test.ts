import { describe, expect, test } from "vitest";
import arm64FourG from "../../../fixtures/cmdline/arm64-4G-plus-low.txt?raw";
import arm64Pair from "../../../fixtures/cmdline/arm64-high-low-pair.txt?raw";
import cma from "../../../fixtures/cmdline/generic-crashkernel-cma.txt?raw";
import rhel6Empty from "../../../fixtures/cmdline/rhel6-empty-crashkernel-value.txt?raw";
import rhel7Offset from "../../../fixtures/cmdline/rhel7-fixed-offset.txt?raw";
import ubuntu2604 from "../../../fixtures/cmdline/ubuntu-2604-default-range.txt?raw";
import { findCrashkernel } from "./find-crashkernel.ts";

function summary(text: string, cmaSuffix = true) {
  const s = findCrashkernel(text, { cmaSuffix }).value;
  return {
    plain: s.plain?.value ?? null,
    high: s.high?.value ?? null,
    low: s.low?.value ?? null,
    cma: s.cma?.value ?? null,
  };
}

describe("findCrashkernel", () => {
  test.each([
    ["ro crashkernel=256M", { plain: "256M", high: null, low: null, cma: null }],
    ["crashkernel=256M crashkernel=512M-:192M", { plain: "512M-:192M", high: null, low: null, cma: null }],
    [
      "crashkernel=1G,high crashkernel=128M,low",
      { plain: null, high: "1G,high", low: "128M,low", cma: null },
    ],
    ["crashkernel=1G,high crashkernel=2G,high", { plain: null, high: "2G,high", low: null, cma: null }],
    ["crashkernel=512M crashkernel=64M,cma", { plain: "512M", high: null, low: null, cma: "64M,cma" }],
    ['dyndbg="crashkernel=64M x" crashkernel=128M', { plain: "128M", high: null, low: null, cma: null }],
    ['crashkernel="256M"', { plain: '"256M"', high: null, low: null, cma: null }],
    ["crashkernel=256M\tquiet", { plain: "256M\tquiet", high: null, low: null, cma: null }],
    ["crashkernel=", { plain: "", high: null, low: null, cma: null }],
    ["Crashkernel=512M", { plain: null, high: null, low: null, cma: null }],
    ["", { plain: null, high: null, low: null, cma: null }],
  ])("%j", (line, expected) => {
    expect(summary(line)).toEqual(expected);
  });

  test("trap 2: the last plain crashkernel= wins and suffixed tokens are separate", () => {
    const s = findCrashkernel(
      "crashkernel=1G,high crashkernel=256M crashkernel=2G,low crashkernel=384M quiet",
    ).value;
    expect(s.plain?.token).toBe("crashkernel=384M");
    expect(s.high?.token).toBe("crashkernel=1G,high");
    expect(s.low?.token).toBe("crashkernel=2G,low");
    expect(s.occurrences.map((o) => o.suffix)).toEqual(["high", null, "low", null]);
  });

  test("the lookup is a substring search: a match inside another word counts and is marked embedded", () => {
    const s = findCrashkernel("foo.crashkernel=64M ro").value;
    expect(s.plain?.value).toBe("64M");
    expect(s.plain?.embedded).toBe(true);
    expect(findCrashkernel("ro crashkernel=64M").value.plain?.embedded).toBe(false);
  });

  test("the name is case-sensitive: other spellings are listed as wrong-case and reported", () => {
    const r = findCrashkernel("CrashKernel=512M crashkernel=256M CRASHKERNEL=1G");
    expect(r.value.plain?.value).toBe("256M");
    expect(r.value.wrongCase.map((w) => w.token)).toEqual(["CrashKernel=512M", "CRASHKERNEL=1G"]);
    expect(r.issues.filter((i) => i.code === "crashkernel-wrong-case")).toHaveLength(2);
  });

  test("kernels without the ,cma suffix take crashkernel=64M,cma as the last plain token", () => {
    expect(summary("crashkernel=512M crashkernel=64M,cma", false)).toEqual({
      plain: "64M,cma",
      high: null,
      low: null,
      cma: null,
    });
  });

  test("trap 22: a crashkernel= at the end of an over-long line is flagged as possibly cut", () => {
    const s = findCrashkernel(`${"a".repeat(2100)} crashkernel=256M`).value;
    expect(s.atSizeLimit).toBe(true);
    expect(s.plain?.value).toBe("256M");
  });

  test.each([
    [
      "ubuntu-2604-default-range",
      ubuntu2604,
      {
        plain: "2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M",
        high: null,
        low: null,
        cma: null,
      },
    ],
    ["arm64-high-low-pair", arm64Pair, { plain: null, high: "512M,high", low: "128M,low", cma: null }],
    ["arm64-4G-plus-low", arm64FourG, { plain: "4G", high: null, low: "250M,low", cma: null }],
    ["generic-crashkernel-cma", cma, { plain: "4G", high: null, low: null, cma: "64M,cma" }],
    ["rhel7-fixed-offset", rhel7Offset, { plain: "128M@16M", high: null, low: null, cma: null }],
    ["rhel6-empty-crashkernel-value", rhel6Empty, { plain: "", high: null, low: null, cma: null }],
  ])("fixture %s", (_name, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });
});
