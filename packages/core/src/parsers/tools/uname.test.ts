import { describe, expect, test } from "vitest";
import { parseUname } from "./uname.ts";

describe("parseUname", () => {
  test.each([
    [
      "ubuntu x86_64",
      "Linux web01 5.15.0-46-generic #50-Ubuntu SMP Thu Jul 28 12:00:00 UTC 2022 x86_64 x86_64 x86_64 GNU/Linux\n",
      ["web01", "5.15.0-46-generic", "x86_64"],
    ],
    [
      "rhel 9, version with PREEMPT_DYNAMIC",
      "Linux db02 5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024 x86_64 x86_64 x86_64 GNU/Linux",
      ["db02", "5.14.0-427.13.1.el9_4.x86_64", "x86_64"],
    ],
    [
      "debian arm64 without p and i",
      "Linux pi 6.1.0-rpi7-rpi-v8 #1 SMP PREEMPT Debian 1:6.1.63-1+rpt1 (2023-11-24) aarch64 GNU/Linux",
      ["pi", "6.1.0-rpi7-rpi-v8", "aarch64"],
    ],
    [
      "ppc64le with unknown p/i",
      "Linux p9 6.8.0-45-generic #45-Ubuntu SMP Fri Aug 30 12:02:04 UTC 2024 ppc64le unknown unknown GNU/Linux",
      ["p9", "6.8.0-45-generic", "ppc64le"],
    ],
    [
      "s390x CRLF",
      "Linux z1 6.8.0-40-generic #40-Ubuntu SMP Fri Jul 5 2024 s390x s390x s390x GNU/Linux\r\n",
      ["z1", "6.8.0-40-generic", "s390x"],
    ],
  ])("%s", (_n, text, [host, release, arch]) => {
    const { value, issues } = parseUname(text);
    expect([value.hostname, value.kernelRelease, value.arch], JSON.stringify(issues)).toEqual([
      host,
      release,
      arch,
    ]);
    expect(value.kernelName).toBe("Linux");
  });

  test("short or empty output gives nulls and an issue", () => {
    expect(parseUname("").value.kernelRelease).toBeNull();
    const r = parseUname("Linux host");
    expect(r.value.kernelRelease).toBeNull();
    expect(r.issues[0]?.code).toBe("short");
  });
});
