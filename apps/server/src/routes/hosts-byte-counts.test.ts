import { judgeSnapshot } from "@kdumpwatch/core";
import { HostDetailSchema, HostListSchema } from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

// Byte counts at and beyond 2^53 (JSON numbers would round them): stored exactly, listed exactly,
// sorted by value and paged with cursors that carry them exactly.
const SEEDS: [string, number | `${bigint}` | null][] = [
  ["b1", "18446744073709551615"], // 2^64 − 1, the kernel's largest
  ["b2", "9007199254740993"], // 2^53 + 1
  ["b3", "9007199254740992"], // 2^53
  ["b4", 2 ** 53 - 1],
  ["b5", 8 * 2 ** 30],
  ["b6", null],
];

describe.each(testDrivers())("byte counts through the API on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
    for (const [id, bytes] of SEEDS) await h.seedHost({ id, ramBytes: bytes, reservedBytes: bytes });
  });
  afterAll(async () => h?.dispose());

  async function walk(sort: string): Promise<[string, unknown][]> {
    const out: [string, unknown][] = [];
    let cursor: string | null = null;
    do {
      const res = await h.request(`/api/hosts?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status, await res.clone().text()).toBe(200);
      const page = HostListSchema.parse(await res.json());
      for (const host of page.hosts) out.push([host.id, host.ramBytes]);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return out;
  }

  test("the list gives every byte and sorts by value, two hosts a page", async () => {
    expect(await walk("ramBytes")).toEqual([
      ["b5", 8 * 2 ** 30],
      ["b4", 2 ** 53 - 1],
      ["b3", "9007199254740992"],
      ["b2", "9007199254740993"],
      ["b1", "18446744073709551615"],
      ["b6", null],
    ]);
    expect((await walk("-reservedBytes")).map(([id]) => id)).toEqual(["b1", "b2", "b3", "b4", "b5", "b6"]);
  });

  test("the CSV export writes the exact digits", async () => {
    const res = await h.request("/api/hosts.csv?sort=hostname");
    const text = await res.text();
    expect(text).toContain(",18446744073709551615,");
    expect(text).toContain(",9007199254740993,");
  });

  // Ingest judged by core (the list above seeds rows directly): one harness for both tests, each of
  // which enrolls a host of its own and reads back only that host, so neither sees the other's.
  describe("judged by core", () => {
    let real: Harness;
    beforeAll(async () => {
      real = await createHarness(driver, { judge: judgeSnapshot });
    });
    afterAll(async () => real?.dispose());

    test("a snapshot whose reservation is 2^53 + 1 bytes is judged (by core) and stored exactly", async () => {
      const agent = await real.kdw.services.agents.authenticate(hello({ machineId: "huge" }), null);
      if (!agent.ok) throw new Error("enrollment failed");
      await real.kdw.services.agents.ingest(
        agent.hostId,
        snapshotFrame("BOOT_IMAGE=/vmlinuz ro crashkernel=512M", 1, {
          kexec_crash_size: "9007199254740993\n",
        }),
      );
      const res = await real.request(`/api/hosts/${agent.hostId}`);
      expect(res.status, await res.clone().text()).toBe(200);
      const detail = HostDetailSchema.parse(await res.json());
      expect(detail.host.reservedBytes).toBe("9007199254740993");
      const reservation = detail.facts?.reservation as { bytes: unknown } | undefined;
      expect(reservation?.bytes).toBe("9007199254740993");
    });

    test("tool-printed sizes beyond 2^53 (df, kdumpctl estimate) are judged and served exactly", async () => {
      const agent = await real.kdw.services.agents.authenticate(hello({ machineId: "huge-tools" }), null);
      if (!agent.ok) throw new Error("enrollment failed");
      await real.kdw.services.agents.ingest(
        agent.hostId,
        snapshotFrame("BOOT_IMAGE=/vmlinuz ro crashkernel=512M", 1, {
          kdump_conf: "path /var/crash\n",
          // 2^53 + 1 1K-blocks: 9223372036854776832 bytes, which no double holds
          df_dump_dir:
            "Filesystem 1K-blocks Used Available Use% Mounted on\nbig:/c 9007199254740993 0 9007199254740993 0% /var/crash\n",
          kdumpctl_estimate: "Reserved crashkernel:    512M\nRecommended crashkernel: 9007199254740993\n",
        }),
      );
      const res = await real.request(`/api/hosts/${agent.hostId}`);
      expect(res.status, await res.clone().text()).toBe(200);
      const facts = HostDetailSchema.parse(await res.json()).facts as {
        dumpTarget: { freeBytes: unknown };
        kdump: { suggestedBytes: unknown };
      } | null;
      expect(facts?.dumpTarget.freeBytes).toBe("9223372036854776832");
      expect(facts?.kdump.suggestedBytes).toBe("9007199254740993");
    });
  });
});
