import { expect, test } from "vitest";
import { splitJournalLine } from "./journal-line.ts";

test.each([
  [
    "Jan 21 06:59:11 r-vm kdump-tools[5348]: Memory for crashkernel is not reserved",
    "kdump-tools",
    "Memory for crashkernel is not reserved",
  ],
  [
    "[    6.200355] kdump-tools[708]: no crashkernel= parameter ... failed!",
    "kdump-tools",
    "no crashkernel= parameter ... failed!",
  ],
  ["[   42.935361] kdump-tools[523]:  failed!", "kdump-tools", " failed!"],
  [
    "2024-01-21T06:59:11+0000 host kdumpctl[812]: kdump: kexec: loaded kdump kernel",
    "kdumpctl",
    "kdump: kexec: loaded kdump kernel",
  ],
  [
    "Mon 2024-01-21 06:59:11 UTC host systemd[1]: Started kdump.service.",
    "systemd",
    "Started kdump.service.",
  ],
  [
    "Apr  1 13:49:44 host kernel: Lockdown: kexec: kexec of unsigned images is restricted",
    "kernel",
    "Lockdown: kexec: kexec of unsigned images is restricted",
  ],
  ["kdump_mem_estimator[832]: Couldn't find systemctl", "kdump_mem_estimator", "Couldn't find systemctl"],
  [
    "kexec_file_load failed: Operation not permitted",
    null,
    "kexec_file_load failed: Operation not permitted",
  ],
  [
    "Copying data                                      : [100.0 %] \\",
    null,
    "Copying data                                      : [100.0 %] \\",
  ],
])("splitJournalLine(%j)", (text, ident, message) => {
  expect(splitJournalLine(text)).toEqual({ ident, message, meta: false });
});

test("journal meta lines are flagged", () => {
  expect(splitJournalLine("-- Boot 0a1b2c --").meta).toBe(true);
  expect(splitJournalLine("-- No entries --").meta).toBe(true);
});
