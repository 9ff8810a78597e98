import { expect, test } from "vitest";
import { splitJournalLine } from "./journal-line.ts";

test.each([
  [
    "Jan 21 06:59:11 r-vm kdump-tools[5348]: Memory for crashkernel is not reserved",
    "kdump-tools",
    "r-vm",
    "Memory for crashkernel is not reserved",
  ],
  [
    "[    6.200355] kdump-tools[708]: no crashkernel= parameter ... failed!",
    "kdump-tools",
    null,
    "no crashkernel= parameter ... failed!",
  ],
  ["[   42.935361] kdump-tools[523]:  failed!", "kdump-tools", null, " failed!"],
  [
    "2024-01-21T06:59:11+0000 host kdumpctl[812]: kdump: kexec: loaded kdump kernel",
    "kdumpctl",
    "host",
    "kdump: kexec: loaded kdump kernel",
  ],
  [
    "Mon 2024-01-21 06:59:11 UTC host systemd[1]: Started kdump.service.",
    "systemd",
    "host",
    "Started kdump.service.",
  ],
  [
    "Apr  1 13:49:44 host kernel: Lockdown: kexec: kexec of unsigned images is restricted",
    "kernel",
    "host",
    "Lockdown: kexec: kexec of unsigned images is restricted",
  ],
  [
    "9月 17 16:52:18 localhost.localdomain kdumpctl[5822]: Starting kdump: [OK]",
    "kdumpctl",
    "localhost.localdomain",
    "Starting kdump: [OK]",
  ],
  [
    "Mär 03 10:00:01 web01 systemd[1]: Failed to start Crash recovery kernel arming.",
    "systemd",
    "web01",
    "Failed to start Crash recovery kernel arming.",
  ],
  [
    "févr. 11 08:00:00 srv kdumpctl[12]: kdump: Starting kdump: [FAILED]",
    "kdumpctl",
    "srv",
    "kdump: Starting kdump: [FAILED]",
  ],
  [
    "Jan 31 00:07:33.892186 mtvr-moose-07 ERR kernel: [   76.247649] ima: impossible to appraise a kernel image",
    "kernel",
    "mtvr-moose-07",
    "ima: impossible to appraise a kernel image",
  ],
  [
    "kdump_mem_estimator[832]: Couldn't find systemctl",
    "kdump_mem_estimator",
    null,
    "Couldn't find systemctl",
  ],
  [
    "kexec_file_load failed: Operation not permitted",
    null,
    null,
    "kexec_file_load failed: Operation not permitted",
  ],
  [
    "Copying data                                      : [100.0 %] \\",
    null,
    null,
    "Copying data                                      : [100.0 %] \\",
  ],
])("splitJournalLine(%j) splits off the stamp, host and ident", (text, ident, host, message) => {
  const line = splitJournalLine(text);
  expect({ ident: line.ident, host: line.host, message: line.message, meta: line.meta }).toEqual({
    ident,
    host,
    message,
    meta: false,
  });
});

test("journal meta lines are flagged, and only boot lines are boot markers", () => {
  expect(splitJournalLine("-- Boot 0a1b2c3d4e5f --")).toMatchObject({ meta: true, bootMarker: true });
  expect(splitJournalLine("-- Reboot --")).toMatchObject({ meta: true, bootMarker: true });
  expect(splitJournalLine("-- No entries --")).toMatchObject({ meta: true, bootMarker: false });
});

test("the stamp of a dated line is read into its parts, whatever its locale", () => {
  expect(splitJournalLine("9月 17 16:52:18 h kdumpctl[1]: x").stamp).toMatchObject({
    kind: "syslog",
    month: 9,
    day: 17,
    secondOfDay: 16 * 3600 + 52 * 60 + 18,
  });
  expect(splitJournalLine("2024-01-21T06:59:11+0100 h kdumpctl[1]: x").stamp?.epochMs).toBe(
    Date.UTC(2024, 0, 21, 5, 59, 11),
  );
});
