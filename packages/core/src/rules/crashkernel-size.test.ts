import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkCrashkernelSize, mainReservedBytes } from "./crashkernel-size.ts";
import { MiB } from "./rule-kit.ts";

describe("crashkernel.size (R05)", () => {
  test("passes when the reservation reaches the kdump-config suggestion", () => {
    const r = checkCrashkernelSize(readyUbuntu({ kdump: { suggestedBytes: 192 * MiB } }));
    expect(r.status, r.summary).toBe("pass");
  });

  test("warns below the suggestion and tells the operator the size to set", () => {
    const r = checkCrashkernelSize(readyUbuntu({ kdump: { suggestedBytes: 371 * MiB } }));
    expect(r.status).toBe("warn");
    expect(r.summary).toBe("192 MiB reserved < suggested 371 MiB: the capture kernel may run out of memory");
    expect(r.remediation?.[0]).toBe(
      "Set crashkernel=371M in /etc/default/grub.d/kdump-tools.cfg (GRUB_CMDLINE_LINUX_DEFAULT)",
    );
  });

  test.each([
    ["x86_64", 128, "warn"],
    ["x86_64", 192, "pass"],
    ["aarch64", 192, "warn"],
    ["aarch64", 256, "pass"],
    ["s390x", 128, "info"],
  ] as const)("without a suggestion, %s with %i MiB → %s", (arch, mib, status) => {
    const bytes = mib * MiB;
    const r = checkCrashkernelSize(
      readyUbuntu({
        identity: { arch },
        reservation: {
          bytes,
          regions: [{ kind: "main", start: 0x1000000, end: null, bytes, source: "iomem" }],
        },
      }),
    );
    expect(r.status, r.summary).toBe(status);
  });

  test("is not applicable when nothing is reserved", () => {
    const r = checkCrashkernelSize(
      readyUbuntu({ reservation: { bytes: 0, regions: [], reservedSeen: false, noneSeen: true } }),
    );
    expect(r.status).toBe("info");
  });

  test("is unknown when the reserved size is unknown", () => {
    const r = checkCrashkernelSize(readyUbuntu({ reservation: { bytes: null, regions: [] } }));
    expect(r.status).toBe("unknown");
  });

  test("trap 6: the low region is not counted against the suggestion", () => {
    const f = readyUbuntu({
      kdump: { suggestedBytes: 400 * MiB },
      reservation: {
        bytes: 512 * MiB,
        regions: [
          { kind: "low", start: 0x49000000, end: 0x59000000, bytes: 256 * MiB, source: "iomem" },
          { kind: "main", start: 0x101f000000, end: 0x102f000000, bytes: 256 * MiB, source: "iomem" },
        ],
      },
    });
    expect(mainReservedBytes(f)).toBe(256 * MiB);
    expect(checkCrashkernelSize(f).status).toBe("warn");
  });
});
