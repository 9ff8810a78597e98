import { describe, expect, test } from "vitest";
import { causeKey, rootCauses } from "./root-cause.ts";

describe("root causes", () => {
  // failing sets of the hosts in test/captures (their expected.json)
  test.each([
    [
      "tools-not-installed",
      ["kdump.tools-installed", "crashkernel.param", "crashkernel.reserved", "kdump.loaded", "panic.on-oops"],
      ["kdump.tools-installed"],
    ],
    [
      "ubuntu-2204-no-crashkernel",
      [
        "crashkernel.param",
        "crashkernel.reserved",
        "kdump.loaded",
        "crashkernel.pending-reboot",
        "kdump.service-state",
        "panic.on-oops",
      ],
      ["crashkernel.param", "crashkernel.pending-reboot"],
    ],
    [
      "secureboot-unsigned-kernel-rejected",
      ["kdump.loaded", "kexec.lockdown", "kdump.service-state", "panic.on-oops"],
      ["kexec.lockdown"],
    ],
    [
      "kexec-load-disabled",
      ["kexec.load-disabled", "kdump.loaded", "kdump.service-state", "panic.on-oops"],
      ["kexec.load-disabled"],
    ],
    ["non-root-read", ["collection.complete"], ["collection.complete"]],
    ["a capture kernel that failed to load on its own", ["kdump.loaded", "panic.on-oops"], ["kdump.loaded"]],
  ])("%s: the causes are what nothing else explains", (_name, failing, roots) => {
    expect(rootCauses(failing)).toEqual(roots);
  });

  test("the alert-grouping key keeps the critical causes only, joined in catalogue order", () => {
    expect(causeKey(["kdump.enabled", "kexec.lockdown", "kdump.loaded", "crashkernel.pending-reboot"])).toBe(
      "kdump.enabled+kexec.lockdown",
    );
    expect(causeKey(["collection.complete"])).toBe("");
  });
});
