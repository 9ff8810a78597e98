import { expect, test } from "vitest";
import { readListingEntries } from "./listing-entries.ts";

test.each([
  ["ls -l classic date", "-rw-r--r-- 1 root root 28838 Jan 21 07:24 a.crash", ["a.crash", "f", 28838]],
  ["ls -l with year", "-rw-r--r-- 1 root root 5 Jan 21  2024 old", ["old", "f", 5]],
  ["long-iso", "drwxr-xr-x 2 root root 4096 2026-01-21 07:31 202601210724", ["202601210724", "d", 4096]],
  [
    "full-iso",
    "-rw------- 1 root root 9 2026-01-21 07:24:13.123456789 +0000 dump.202601210724",
    ["dump.202601210724", "f", 9],
  ],
  ["symlink", "lrwxrwxrwx 1 root root 20 Jan 21 07:24 latest -> 202601210724", ["latest", "l", 20]],
  ["ls -p dir", "drwxr-xr-x  2 root root  4096 Aug  2 14:54 201808021451/", ["201808021451", "d", 4096]],
  ["SELinux dot", "-rw-r--r--. 1 root root 7 Jan 21 07:24 vmcore", ["vmcore", "f", 7]],
])("%s", (_n, line, [path, type, bytes]) => {
  const { entries } = readListingEntries(line);
  expect(entries.map((e) => [e.path, e.type, e.bytes])).toEqual([[path, type, bytes]]);
});

test("dot entries and totals are skipped; plain ls columns split on wide gaps", () => {
  const { entries } = readListingEntries("total 12\n.\n..\n202305201923/  kdump_lock  kexec_cmd\n");
  expect(entries.map((e) => [e.path, e.type])).toEqual([
    ["202305201923", "d"],
    ["kdump_lock", "?"],
    ["kexec_cmd", "?"],
  ]);
});

test("a malformed agent line is an issue, the others still count", () => {
  const { format, entries, issues } = readListingEntries("f 1 2026-01-21T07:24:13Z a\nf x 2026 b\n");
  expect(format).toBe("agent");
  expect(entries).toHaveLength(1);
  expect(issues.map((i) => [i.code, i.line])).toEqual([["bad-entry", 2]]);
});
