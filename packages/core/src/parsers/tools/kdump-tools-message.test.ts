import { expect, test } from "vitest";
import { classifyKdumpToolsMessage } from "./kdump-tools-message.ts";

test.each([
  [" * /etc/default/kdump-tools: USE_KDUMP is not set or zero", "use-kdump-not-set", "ubuntu", null],
  ["no crashkernel= parameter in the kernel cmdline ... failed!", "no-crashkernel-param", "debian", null],
  [
    "kexec_file_load failed: Key was rejected by service",
    "kexec-file-load-failed",
    "plain",
    "Key was rejected by service",
  ],
  ["kexec_load failed: Operation not permitted", "kexec-load-failed", "plain", "Operation not permitted"],
  [
    'Please reserve memory by passing"crashkernel=Y@X" parameter to kernel',
    "memory-not-reserved-hint",
    "plain",
    null,
  ],
  ["kdump: No memory reserved for crash kernel", "memory-not-reserved", "kdumpctl", null],
  ["kdump: Starting kdump: [FAILED]", "start-failed", "kdumpctl", null],
  ["kdump: kexec: loaded kdump kernel", "loaded", "kdumpctl", null],
  [" * Invalid symlink : /var/lib/kdump/vmlinuz", "invalid-symlink", "ubuntu", "/var/lib/kdump/vmlinuz"],
  [
    " * /etc/default/kdump-tools: KDUMP_KERNEL does not exist: /var/lib/kdump/vmlinuz",
    "kdump-kernel-missing",
    "ubuntu",
    "/var/lib/kdump/vmlinuz",
  ],
  [
    " * kdump-tools: saved vmcore in /var/crash/202601210724",
    "vmcore-saved",
    "ubuntu",
    "/var/crash/202601210724",
  ],
])("classifyKdumpToolsMessage(%j)", (line, code, style, detail) => {
  expect(classifyKdumpToolsMessage(line)).toMatchObject({ code, style, detail });
});

test("unknown and overlong lines are not messages", () => {
  expect(classifyKdumpToolsMessage("DUMP_MODE:\t\tkdump")).toBeNull();
  expect(classifyKdumpToolsMessage(`${"x".repeat(3000)} failed to load kdump kernel`)).toBeNull();
});
