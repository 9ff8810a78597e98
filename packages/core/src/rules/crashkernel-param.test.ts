import { readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import type { CrashkernelProblem } from "../facts/host-facts.ts";
import { checkCrashkernelParam, kernelSupportsAuto } from "./crashkernel-param.ts";
import { MiB } from "./rule-kit.ts";

function withProblems(problems: CrashkernelProblem[], effective: string | null, extra = {}) {
  return readyUbuntu({
    crashkernel: { problems, problemDetails: problems.map((p) => `detail:${p}`), effective, ...extra },
  });
}

describe("crashkernel.param (R03)", () => {
  test("passes with exactly one valid value and names the expected size", () => {
    const r = checkCrashkernelParam(readyUbuntu());
    expect(r.status, r.summary).toBe("pass");
    expect(r.summary).toBe("Effective crashkernel=512M-:192M → 192 MiB");
  });

  test.each([
    ["missing", ["missing"], null],
    ["only a wrong-case token (trap 19)", ["wrong-case"], null],
    ["syntax error such as 256MB (trap 5)", ["syntax"], null],
    ["crashkernel=0", ["zero"], "0"],
    ["a later large range entry aborts the parse (trap 4)", ["invalid-size"], "2G-4G:320M,32G-64G:1024M"],
    ["no range matches", ["no-range-match"], "2G-:256M"],
    ["size >= RAM", ["exceeds-ram"], "16G"],
  ] as const)("fails: %s", (_name, problems, effective) => {
    const r = checkCrashkernelParam(withProblems([...problems], effective));
    expect(r.status, r.summary).toBe("fail");
    expect(r.summary).toContain(`detail:${problems[0]}`);
    expect(r.remediation?.join("\n")).toMatch(/update-grub/);
  });

  test.each([
    ["duplicates (trap 2)", ["duplicate"]],
    ["ignored suffixed tokens", ["suffix-ignored"]],
    ["@offset", ["offset"]],
    ["< 128 MiB", ["small"]],
    ["an ignored wrong-case token beside a valid one", ["wrong-case"]],
  ] as const)("warns: %s", (_name, problems) => {
    const r = checkCrashkernelParam(withProblems([...problems], "512M-:192M"));
    expect(r.status, r.summary).toBe("warn");
    expect(r.summary).toContain(`detail:${problems[0]}`);
  });

  test("trap 14: fadump needs no crashkernel=", () => {
    const f = withProblems(["missing"], null);
    f.kdump.mode = "fadump";
    expect(checkCrashkernelParam(f).status).toBe("pass");
  });

  test("is unknown when /proc/cmdline was not read", () => {
    const r = checkCrashkernelParam(readyUbuntu({ crashkernel: { cmdlineRead: false } }));
    expect(r.status).toBe("unknown");
  });

  test("trap 18: crashkernel=auto fails on an Ubuntu kernel", () => {
    const f = withProblems(["auto"], "auto", { expectedBytes: null });
    f.reservation = { ...f.reservation, reservedSeen: false, noneSeen: true, bytes: 0, regions: [] };
    const r = checkCrashkernelParam(f);
    expect(r.status, r.summary).toBe("fail");
  });

  test("trap 18: crashkernel=auto passes on a RHEL 8 kernel", () => {
    const f = readyRhel({
      identity: { kernelRelease: "4.18.0-513.5.1.el8_9.x86_64" },
      crashkernel: { effective: "auto", problems: ["auto"], problemDetails: ["auto"], expectedBytes: null },
      reservation: { reservedSeen: false },
    });
    expect(checkCrashkernelParam(f).status).toBe("pass");
  });

  test("trap 18: crashkernel=auto fails on a RHEL 9 kernel and points to kdumpctl reset-crashkernel", () => {
    const f = readyRhel({
      crashkernel: { effective: "auto", problems: ["auto"], problemDetails: ["auto"], expectedBytes: null },
      reservation: { reservedSeen: false, noneSeen: true, bytes: 0 },
    });
    const r = checkCrashkernelParam(f);
    expect(r.status).toBe("fail");
    expect(r.remediation?.[0]).toMatch(/kdumpctl reset-crashkernel/);
  });

  test("auto is accepted when memory was observably reserved, whatever the kernel", () => {
    const f = withProblems(["auto"], "auto", { expectedBytes: null });
    f.identity.kernelRelease = null;
    expect(checkCrashkernelParam(f).status).toBe("pass");
  });

  test("trap 3: near a range boundary, an observed reservation overrides a computed no-match", () => {
    const f = withProblems(["no-range-match"], "2G-:256M", { uncertain: true, expectedBytes: null });
    const r = checkCrashkernelParam(f);
    expect(r.status, r.summary).toBe("warn");
    expect(r.summary).toMatch(/range boundary/);
  });

  test("trap 3: an uncertain no-match without any reservation still fails", () => {
    const f = withProblems(["no-range-match"], "2G-:256M", { uncertain: true });
    f.reservation = { ...f.reservation, reservedSeen: false, noneSeen: true, bytes: 0, regions: [] };
    expect(checkCrashkernelParam(f).status).toBe("fail");
  });

  test("a ,high value is shown with its suffix", () => {
    const r = checkCrashkernelParam(
      readyUbuntu({ crashkernel: { effective: "1G,high", kind: "high", expectedBytes: 1024 * MiB } }),
    );
    expect(r.summary).toBe("Effective crashkernel=1G,high → 1 GiB");
  });

  test.each([
    ["4.18.0-513.5.1.el8_9.x86_64", "el", null, true],
    ["3.10.0-1160.el7.x86_64", "el", null, true],
    ["5.14.0-427.13.1.el9_4.x86_64", "el", null, false],
    ["6.8.0-45-generic", "debian", null, false],
    [null, "el", "7.9", true],
    [null, "el", "9.4", false],
    [null, "unknown", null, null],
  ] as const)("kernelSupportsAuto(%s, %s %s) = %s", (kernelRelease, family, versionId, expected) => {
    const f = readyUbuntu({ identity: { kernelRelease, os: { family, versionId } } });
    expect(kernelSupportsAuto(f)).toBe(expected);
  });
});
