import { describe, expect, test } from "vitest";
import sample from "../../../fixtures/other/constructed-kdump-config-test.txt?raw";
import { parseKdumpConfigTest } from "./kdump-config-test.ts";

describe("parseKdumpConfigTest", () => {
  test("trap 13: kdump-config test keys without colons are read", () => {
    const { value, issues } = parseKdumpConfigTest(sample);
    expect(issues, JSON.stringify(issues)).toEqual([]);
    expect(value.useKdump?.value).toBe("1");
    expect(value.coredir?.value).toBe("/var/crash");
    expect(value.crashkernelAddr?.value).toBe("0x5f000000");
    expect(value.kdumpKernelAddr?.value).toBe("relocatable");
    expect(value.kernelLink?.value.kernelVersion).toBe("6.8.0-45-generic");
    expect(value.initrdLink?.value.target).toBe("/var/lib/kdump/initrd.img-6.8.0-45-generic");
    expect(value.kexecCommand?.value).toMatch(/^\/sbin\/kexec -p -s --command-line=/);
    expect(value.fileLoad).toBe(true);
  });

  test.each([
    [
      "spaces instead of tabs",
      "USE_KDUMP:    1\ncrashkernel addr    \nkdump kernel addr    relocatable\n",
      "",
    ],
    ["CRLF", "USE_KDUMP:\t\t1\r\ncrashkernel addr\t\t0x2c000000\r\n", "0x2c000000"],
  ])("crashkernel addr with %s", (_n, text, addr) => {
    const { value } = parseKdumpConfigTest(text);
    expect(value.useKdump?.value).toBe("1");
    expect(value.crashkernelAddr?.value).toBe(addr);
  });

  test("a stderr message before the output is classified", () => {
    const { value } = parseKdumpConfigTest(" * kdump is not supported by this kernel\nUSE_KDUMP:\t\t1\n");
    expect(value.messages.map((m) => m.code)).toEqual(["kdump-not-supported"]);
  });
});
