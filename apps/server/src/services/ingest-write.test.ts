import { describe, expect, test } from "vitest";
import { type BatchWrite, batchParameter } from "./ingest-write.ts";

/** The parameter as writeBatch built it before it took JSON text: one JSON.stringify of objects. */
function objectParameter(
  rows: readonly (BatchWrite & { objects: { sources: unknown; checks: unknown; facts: unknown } })[],
) {
  return JSON.stringify(
    rows.map((r) => ({
      id: r.hostId,
      at: r.at.toISOString(),
      store: r.snapshot !== null,
      hash: r.snapshot?.hash ?? null,
      collected_at: r.snapshot?.collectedAt ?? null,
      sources: r.snapshot ? r.objects.sources : null,
      moved: r.transition !== null,
      from_verdict: r.transition?.fromVerdict ?? null,
      rejudged: r.report !== null,
      checks: r.report ? r.objects.checks : null,
      facts: r.report ? r.objects.facts : null,
      verdict: r.host.verdict,
      failing: r.host.failing,
      os: r.host.os,
      kernel: r.host.kernel,
      ram_bytes: r.host.ramBytes,
      crashkernel: r.host.crashkernel,
      reserved_bytes: r.host.reservedBytes,
      verdict_since: r.host.verdictSince.toISOString(),
      content_hash: r.host.contentHash,
      judgement_hash: r.host.judgementHash,
      prev_snapshot_id: r.host.latestSnapshotId,
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
