import { type DeepPartial, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import type { CollectionFacts } from "../facts/host-facts.ts";
import { checkCollectionComplete } from "./collection-complete.ts";

const incomplete: [string, DeepPartial<CollectionFacts>, RegExp][] = [
  ["permission", { permission: ["iomem"] }, /unreadable \(permission\): iomem/],
  ["timeout", { timeout: ["kdump_config_show"] }, /timed out: kdump_config_show/],
  ["failure", { failed: ["dmesg"] }, /failed: dmesg/],
  ["truncation", { truncated: ["dmesg"] }, /truncated at the size cap: dmesg/],
  [
    "a parser failure",
    { unparsed: ["kdump_config_show"] },
    /could not be parsed \(kdumpwatch bug\): kdump_config_show/,
  ],
  ["trap 10: zeroed iomem", { iomemZeroed: true }, /zeros \(not root\)/],
  ["missing /proc/cmdline", { sources: { cmdline: "missing" } }, /cmdline missing/],
];

describe("collection.complete (R17)", () => {
  test("passes and counts absent sources without complaining", () => {
    const r = checkCollectionComplete(readyUbuntu({ collection: { missing: ["kdumpctl_status"] } }));
    expect(r.status).toBe("pass");
    expect(r.summary).toBe("3 sources read completely; 1 not present on this host");
  });

  test.each(incomplete)("warns on %s", (_name, collection, summary) => {
    const r = checkCollectionComplete(readyUbuntu({ collection }));
    expect(r.status).toBe("warn");
    expect(r.summary).toMatch(summary);
    expect(r.remediation?.[0]).toMatch(/as root/);
  });
});
