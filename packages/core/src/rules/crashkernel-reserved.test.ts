import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkCrashkernelReserved } from "./crashkernel-reserved.ts";
import { MiB } from "./rule-kit.ts";

const none = { bytes: 0, regions: [], reservedSeen: false, noneSeen: true };

describe("crashkernel.reserved (R04)", () => {
  test("passes with the size and address of the region", () => {
    const r = checkCrashkernelReserved(readyUbuntu());
    expect(r.status, r.summary).toBe("pass");
    expect(r.summary).toBe("192 MiB reserved for the capture kernel (192 MiB at 0xbf000000)");
  });

  test("trap 6: two regions are both shown", () => {
    const r = checkCrashkernelReserved(
      readyUbuntu({
        reservation: {
          bytes: 768 * MiB,
          regions: [
            { kind: "low", start: 0x49000000, end: 0x59000000, bytes: 256 * MiB, source: "dmesg" },
            { kind: "main", start: 0xc01f000000, end: 0xc03f000000, bytes: 512 * MiB, source: "dmesg" },
          ],
        },
      }),
    );
    expect(r.summary).toBe(
      "768 MiB reserved for the capture kernel (low 256 MiB at 0x49000000 + 512 MiB at 0xc01f000000)",
    );
  });

  test("trap 1: crashkernel= on the command line with nothing reserved fails", () => {
    const r = checkCrashkernelReserved(readyUbuntu({ reservation: none }));
    expect(r.status).toBe("fail");
    expect(r.remediation?.[0]).toMatch(/Reboot/);
  });

  test("a kernel failure line fails and is quoted in the summary", () => {
    const failure = {
      source: "dmesg",
      text: "[    0.000000] cannot allocate crashkernel (size:0x100000000)",
    };
    const r = checkCrashkernelReserved(
      readyUbuntu({ reservation: { ...none, noneSeen: false, bytes: null, failures: [failure] } }),
    );
    expect(r.status).toBe("fail");
    expect(r.summary).toContain("cannot allocate crashkernel (size:0x100000000)");
    expect(r.evidence).toContainEqual(failure);
  });

  test("trap 9: a dmesg without failure lines and nothing else is unknown, not pass", () => {
    const r = checkCrashkernelReserved(
      readyUbuntu({
        reservation: { bytes: null, regions: [], reservedSeen: false, noneSeen: false, evidence: [] },
      }),
    );
    expect(r.status).toBe("unknown");
  });

  test("trap 10: a zeroed non-root read is only indirect evidence: warn", () => {
    const r = checkCrashkernelReserved(
      readyUbuntu({
        reservation: {
          bytes: null,
          regions: [{ kind: "main", start: null, end: null, bytes: null, source: "iomem" }],
          indirect: true,
          evidence: [{ source: "kdump_config_show", text: "crashkernel addr: 0x" }],
        },
      }),
    );
    expect(r.status, r.summary).toBe("warn");
  });

  test("trap 14: a fadump reservation passes and says fadump", () => {
    const r = checkCrashkernelReserved(
      readyUbuntu({
        kdump: { mode: "fadump" },
        reservation: {
          bytes: 4096 * MiB,
          regions: [{ kind: "fadump", start: 0x40000000, end: null, bytes: 4096 * MiB, source: "dmesg" }],
        },
      }),
    );
    expect(r.status).toBe("pass");
    expect(r.summary).toMatch(/^4 GiB reserved .*\(fadump\)/);
  });
});
