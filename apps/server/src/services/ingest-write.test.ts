import { describe, expect, test } from "vitest";
import { type BatchWrite, batchParameter, batchScalars } from "./ingest-write.ts";

/**
 * The parameter as writeBatch built it before it took JSON text: one JSON.stringify of the rows
 * with the sources, checks and facts as objects (the other columns are written as they were).
 */
function objectParameter(
  rows: readonly (BatchWrite & { objects: { sources: unknown; checks: unknown; facts: unknown } })[],
) {
  return JSON.stringify(
    rows.map((r) => ({
      ...batchScalars(r),
      sources: r.snapshot ? r.objects.sources : null,
      checks: r.report ? r.objects.checks : null,
      facts: r.report ? r.objects.facts : null,
    })),
  );
}

function row(i: number, writes: { snapshot: boolean; report: boolean; transition: boolean }) {
  const objects = {
    sources: { uname: { ok: true, text: `Linux h${i} "q" \\ \u2028 é\n` }, df: { ok: false, error: "gone" } },
    checks: [
      { id: "kdump.loaded", status: "fail", summary: "no", evidence: [{ source: "x", text: "\u0001" }] },
    ],
    facts: { collectedAt: "2026-11-26T10:00:00Z", memory: { systemRamBytes: 1024 }, dumps: null },
  };
  const at = new Date(Date.UTC(2026, 10, 26, 10, 0, i));
  const r: BatchWrite = {
    hostId: `host-${i}`,
    at,
    snapshot: writes.snapshot
      ? { hash: `h${i}`, collectedAt: "2026-11-26T10:00:00Z", sourcesJson: JSON.stringify(objects.sources) }
      : null,
    transition: writes.transition ? { fromVerdict: i % 2 ? null : "ready" } : null,
    report: writes.report
      ? { checksJson: JSON.stringify(objects.checks), factsJson: JSON.stringify(objects.facts) }
      : null,
    host: {
      verdict: "not_ready",
      failing: ["kdump.loaded"],
      os: i % 2 ? null : "Ubuntu 24.04",
      kernel: "6.8.0",
      ramBytes: 1024,
      crashkernel: null,
      reservedBytes: 0,
      verdictSince: at,
      contentHash: `h${i}`,
      judgementHash: `j${i}`,
      latestSnapshotId: i % 2 ? null : 40 + i,
    },
  };
  return { ...r, objects };
}

describe("batchParameter", () => {
  test("holds the values the objects' JSON.stringify held, whichever writes a host needs", () => {
    const rows = [
      row(1, { snapshot: true, report: true, transition: true }),
      row(2, { snapshot: false, report: true, transition: false }),
      row(3, { snapshot: true, report: false, transition: false }),
      row(4, { snapshot: false, report: false, transition: true }),
    ];
    const text = batchParameter(rows);
    expect(JSON.parse(text)).toEqual(JSON.parse(objectParameter(rows)));
    expect(JSON.parse(text)).toHaveLength(4);
  });

  test("one host, and none", () => {
    const one = [row(7, { snapshot: true, report: true, transition: false })];
    expect(JSON.parse(batchParameter(one))).toEqual(JSON.parse(objectParameter(one)));
    expect(batchParameter([])).toBe("[]");
  });
});
