import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkPanicOnOops } from "./panic-on-oops.ts";

describe("panic.on-oops (R11)", () => {
  test.each([
    [1, "pass"],
    [0, "warn"],
    [null, "unknown"],
  ] as const)("panic_on_oops=%s → %s", (onOops, status) => {
    const r = checkPanicOnOops(readyUbuntu({ panic: { onOops } }));
    expect(r.status, r.summary).toBe(status);
  });

  test("other panic sysctls are reported, not judged", () => {
    const r = checkPanicOnOops(
      readyUbuntu({
        panic: { onOops: 1, others: { "kernel.softlockup_panic": 0, "vm.panic_on_oom": null } },
      }),
    );
    expect(r.status).toBe("pass");
    expect(r.summary).toContain("(also kernel.panic=0, kernel.softlockup_panic=0)");
    expect(r.summary).not.toContain("panic_on_oom");
  });

  test("warn tells how to set it persistently", () => {
    const r = checkPanicOnOops(readyUbuntu({ panic: { onOops: 0 } }));
    expect(r.remediation?.[1]).toMatch(/sysctl\.d/);
  });
});
