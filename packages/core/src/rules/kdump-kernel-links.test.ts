import { readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkKdumpKernelLinks } from "./kdump-kernel-links.ts";

describe("kdump.kernel-links (R09)", () => {
  test("passes when both links point at the running kernel", () => {
    const r = checkKdumpKernelLinks(readyUbuntu());
    expect(r.status, r.summary).toBe("pass");
    expect(r.evidence).toHaveLength(2);
  });

  test("warns when the links point at another kernel (after an update, before reload)", () => {
    const r = checkKdumpKernelLinks(readyUbuntu({ identity: { kernelRelease: "5.15.0-50-generic" } }));
    expect(r.status).toBe("warn");
    expect(r.summary).toContain("5.15.0-46-generic");
    expect(r.remediation?.[0]).toBe("sudo kdump-config symlinks $(uname -r)");
  });

  test("fails on a broken symbolic link", () => {
    const f = readyUbuntu();
    f.kdump.initrdLink = { ...f.kdump.initrdLink!, broken: true };
    expect(checkKdumpKernelLinks(f).status).toBe("fail");
  });

  test("fails when kdump-config reports a missing KDUMP_INITRD", () => {
    const problem = {
      source: "kdump_config_show",
      text: "/etc/default/kdump-tools: KDUMP_INITRD does not exist: /var/lib/kdump/initrd.img",
    };
    expect(checkKdumpKernelLinks(readyUbuntu({ kdump: { linkProblems: [problem] } })).status).toBe("fail");
  });

  test("warns when the estimator cannot read the kdump initrd", () => {
    const r = checkKdumpKernelLinks(
      readyUbuntu({ kdump: { suggestedUnknownReason: "can't find decompressed initrd size" } }),
    );
    expect(r.status).toBe("warn");
  });

  test("is not applicable on kdumpctl hosts", () => {
    expect(checkKdumpKernelLinks(readyRhel()).status).toBe("info");
  });

  test("is information on pre-2016 kdump-tools that print no link lines", () => {
    const r = checkKdumpKernelLinks(
      readyUbuntu({ kdump: { linksShown: false, kernelLink: null, initrdLink: null } }),
    );
    expect(r.status).toBe("info");
  });

  test("is unknown when the running kernel release is unknown", () => {
    expect(checkKdumpKernelLinks(readyUbuntu({ identity: { kernelRelease: null } })).status).toBe("unknown");
  });
});
