import { describe, expect, test } from "vitest";
import { identityFromSnapshot } from "./identity.ts";

const snap = (sources: Record<string, { ok: true; text: string } | { ok: false; error: "missing" }>) => ({
  sources,
  collectedAt: "2026-01-01T00:00:00Z",
});

describe("identityFromSnapshot", () => {
  test.each([
    [
      "machine-id and hostname files, trimmed to their first line",
      snap({ machine_id: { ok: true, text: "abc\n" }, hostname: { ok: true, text: " db-7 \nextra" } }),
      { machineId: "abc", hostname: "db-7" },
    ],
    [
      "no hostname file: the fallback host name",
      snap({ machine_id: { ok: true, text: "abc\n" }, hostname: { ok: false, error: "missing" } }),
      { machineId: "abc", hostname: "fallback" },
    ],
    ["nothing at all: the fallback for both", snap({}), { machineId: "fallback", hostname: "fallback" }],
    [
      "empty machine-id: the host name",
      snap({ machine_id: { ok: true, text: "\n" } }),
      { machineId: "fallback", hostname: "fallback" },
    ],
  ])("%s", (_name, snapshot, expected) => {
    expect(identityFromSnapshot(snapshot, "fallback")).toEqual(expected);
  });

  test("cuts values to the lengths the wire schema accepts", () => {
    const id = identityFromSnapshot(
      snap({
        machine_id: { ok: true, text: "m".repeat(500) },
        hostname: { ok: true, text: "h".repeat(500) },
      }),
      "f",
    );
    expect(id.machineId).toHaveLength(128);
    expect(id.hostname).toHaveLength(255);
  });
});
