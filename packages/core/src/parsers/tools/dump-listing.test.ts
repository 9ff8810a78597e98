import { describe, expect, test } from "vitest";
import onlyApport from "../../../fixtures/other/var-crash-listing-no-dump-only-apport.txt?raw";
import twoDumps from "../../../fixtures/other/var-crash-listing-two-dumps-blog.txt?raw";
import u2004 from "../../../fixtures/other/var-crash-listing-ubuntu-2004.txt?raw";
import doc2026 from "../../../fixtures/other/var-crash-listing-ubuntu-doc-2026.txt?raw";
import { parseDumpListing } from "./dump-listing.ts";

describe("parseDumpListing over ls fixtures", () => {
  test.each([
    ["var-crash-listing-ubuntu-doc-2026", doc2026, [["202601210724", "complete", 82264 + 51753823]], 1],
    ["var-crash-listing-ubuntu-2004 (plain ls)", u2004, [["202305201923", "complete", null]], 1],
    [
      "var-crash-listing-two-dumps-blog",
      twoDumps,
      [
        ["201808021553", "complete", 240194 + 1468733533],
        ["201808021451", "unlisted", null],
      ],
      1,
    ],
    ["var-crash-listing-no-dump-only-apport", onlyApport, [], 1],
  ])("%s", (_n, text, dumps, apport) => {
    const { value, issues } = parseDumpListing(text);
    expect(
      value.dumps.map((d) => [d.stamp, d.completeness, d.sizeBytes]),
      JSON.stringify(issues),
    ).toEqual(dumps);
    expect(value.apportReports).toHaveLength(apport);
    expect(value.format).toBe("ls");
  });

  test("the Ubuntu doc dump: time, files and evidence lines", () => {
    const d = parseDumpListing(doc2026).value.dumps[0]!;
    expect(d.time).toBe("2026-01-21T07:24:00Z");
    expect(d.files.map((f) => [f.name, f.kind])).toEqual([
      ["dmesg.202601210724", "dmesg"],
      ["dump.202601210724", "core"],
    ]);
    expect(d.coreBytes).toBe(51753823);
    expect(d.evidence.map((e) => e.line)).toEqual([1, 4, 5]);
  });

  test("apport report without a dump dir still gives kernel version and stamp", () => {
    const r = parseDumpListing(onlyApport).value.apportReports[0]!;
    expect([r.kernelVersion, r.stamp, r.time, r.bytes]).toEqual([
      "5.15.0-46-generic",
      "202209011511",
      "2022-09-01T15:11:00Z",
      259,
    ]);
  });

  test("kexec_cmd and kdump_lock are not dumps", () => {
    const { value } = parseDumpListing(u2004);
    expect(value.otherEntries.map((e) => e.path)).toEqual(["kdump_lock", "kexec_cmd"]);
  });
});

const AGENT = [
  "# kdumpwatch dump listing",
  "d 4096 2026-01-21T07:31:02Z 202601210724",
  "f 82264 2026-01-21T07:24:13Z 202601210724/dmesg.202601210724",
  "f 51753823 2026-01-21T07:24:40Z 202601210724/dump.202601210724",
  "d 4096 2025-12-01T10:00:00Z 10.0.0.7-202512010959",
  "f 1024 2025-12-01T10:00:00Z 10.0.0.7-202512010959/dmesg.202512010959",
  "f 4096 2025-12-01T10:00:00Z 10.0.0.7-202512010959/dump-incomplete.xz",
  "d 4096 2026-02-02T02:02:02Z 127.0.0.1-2026-02-02-02:01:59",
  "f 7000000 2026-02-02T02:02:02Z 127.0.0.1-2026-02-02-02:01:59/vmcore",
  "f 60000 2026-02-02T02:02:02Z 127.0.0.1-2026-02-02-02:01:59/vmcore-dmesg.txt",
  "f 1200 2026-02-02T02:02:02Z 127.0.0.1-2026-02-02-02:01:59/kexec-dmesg.log",
  "d 4096 2026-01-22T00:00:00Z 202601220001",
  "f 900 2026-01-22T00:00:00Z 202601220001/dump.202601220001.lz4",
  "f 259 2026-01-22T00:00:00Z kexec_cmd",
  "f 0 2026-01-22T00:00:00Z kdump_lock",
].join("\n");

describe("parseDumpListing, agent format", () => {
  test("trap 21: minute stamps, remote prefixes, compressed suffixes and *-incomplete, newest first", () => {
    const { value, issues } = parseDumpListing(AGENT);
    expect(issues).toEqual([]);
    expect(value.format).toBe("agent");
    expect(value.dumps.map((d) => [d.name, d.layout, d.host, d.time, d.completeness])).toEqual([
      ["127.0.0.1-2026-02-02-02:01:59", "rhel", "127.0.0.1", "2026-02-02T02:01:59Z", "complete"],
      ["202601220001", "kdump-tools", null, "2026-01-22T00:01:00Z", "complete"],
      ["202601210724", "kdump-tools", null, "2026-01-21T07:24:00Z", "complete"],
      ["10.0.0.7-202512010959", "kdump-tools-remote", "10.0.0.7", "2025-12-01T09:59:00Z", "incomplete"],
    ]);
    const lz4 = value.dumps[1]!.files[0]!;
    expect([lz4.kind, lz4.compression]).toEqual(["core", "lz4"]);
    const inc = value.dumps[3]!.files.find((f) => f.kind === "core-incomplete");
    expect(inc?.compression).toBe("xz");
    expect(value.dumps[0]!.files.map((f) => f.kind)).toEqual(["core", "dmesg", "log"]);
  });

  test("a path with spaces is kept whole and an invalid stamp date has no time", () => {
    const { value, issues } = parseDumpListing(
      "d 4096 2026-01-21T07:31:02Z 202613450000\nf 1 2026-01-21T07:31:02Z notes about crash.txt\n",
    );
    expect(value.dumps[0]?.time).toBeNull();
    expect(issues.map((i) => i.code)).toEqual(["bad-stamp"]);
    expect(value.otherEntries[0]?.path).toBe("notes about crash.txt");
  });

  test("flat FTP uploads group into one dump per host and stamp", () => {
    const text =
      "f 10 2026-01-21T07:31:02Z 10.0.0.7-dump.202601210724.gz\nf 5 2026-01-21T07:31:02Z 10.0.0.7-dmesg.202601210724\n";
    const d = parseDumpListing(text).value.dumps;
    expect(d.map((x) => [x.name, x.layout, x.completeness, x.sizeBytes])).toEqual([
      ["10.0.0.7-202601210724", "flat", "complete", 15],
    ]);
  });
});

describe("parseDumpListing, ls variants", () => {
  test("ls -lR with a root header, CRLF and an incomplete capture", () => {
    const text = [
      "/var/crash:",
      "total 8",
      "drwxr-xr-x 2 root root 4096 2026-01-21 07:31 202601210724",
      "",
      "/var/crash/202601210724:",
      "total 4",
      "-rw------- 1 root root 82264 2026-01-21 07:24 dmesg.202601210724",
      "-rw------- 1 root root 4096 2026-01-21 07:24 dump-incomplete",
    ].join("\r\n");
    const { value } = parseDumpListing(text);
    expect(value.dumps.map((d) => [d.stamp, d.completeness, d.sizeBytes])).toEqual([
      ["202601210724", "incomplete", 86360],
    ]);
  });

  test("empty listing: no dumps, no issues", () => {
    expect(parseDumpListing("total 0\n")).toEqual({
      value: { format: "ls", dumps: [], apportReports: [], otherEntries: [] },
      issues: [],
    });
  });
});
