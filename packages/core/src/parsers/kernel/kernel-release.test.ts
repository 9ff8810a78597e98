import { describe, expect, test } from "vitest";
import { isRhelAutoKernel, parseKernelRelease } from "./kernel-release.ts";

describe("parseKernelRelease and isRhelAutoKernel", () => {
  test.each<[string, [number, number, number | null, number | null] | null, boolean]>([
    ["5.15.0-69-generic", [5, 15, 0, null], false],
    ["3.10.0-327.36.3.el7.x86_64", [3, 10, 0, 7], true],
    ["4.18.0-305.10.2.el8_4.x86_64", [4, 18, 0, 8], true],
    ["2.6.32-431.17.1.el6.x86_64", [2, 6, 32, 6], true],
    ["4.14.35-1902.el7uek.x86_64", [4, 14, 35, 7], true],
    ["5.14.0-427.13.1.el9_4.x86_64", [5, 14, 0, 9], false],
    ["6.12.0-55.el10.x86_64", [6, 12, 0, 10], false],
    ["6.8", [6, 8, null, null], false],
    ["linux", null, false],
    ["", null, false],
  ])("%s", (release, parts, auto) => {
    const r = parseKernelRelease(release);
    expect(r && [r.major, r.minor, r.patch, r.el]).toEqual(parts);
    expect(isRhelAutoKernel(release)).toBe(auto);
  });
});

describe("parseKernelRelease: the distribution build number", () => {
  test.each<[string, number | null]>([
    ["5.14.0-133.el9.x86_64", 133],
    ["5.14.0-427.13.1.el9_4.x86_64", 427],
    ["5.15.0-69-generic", 69],
    ["6.1.0-13-amd64", 13],
    ["6.8", null],
    ["6.8.0+", null],
  ])("%s → %s", (release, build) => {
    expect(parseKernelRelease(release)?.build).toBe(build);
  });
});
