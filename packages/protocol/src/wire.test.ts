import { describe, expect, test } from "vitest";
import { AgentMessageSchema, ServerMessageSchema } from "./index.ts";

describe("wire protocol v1", () => {
  test("a hello with an enrollment token parses", () => {
    const r = AgentMessageSchema.safeParse({
      v: 1,
      type: "hello",
      agentVersion: "0.1.0",
      machineId: "abc",
      hostname: "h1",
      auth: { kind: "enroll", token: "t" },
    });
    expect(r.success, JSON.stringify(r.error)).toBe(true);
  });

  test("a snapshot keeps unknown source names and rejects a bad source result", () => {
    const ok = AgentMessageSchema.safeParse({
      v: 1,
      type: "snapshot",
      seq: 1,
      hash: "h",
      snapshot: { collectedAt: "2026-01-01T00:00:00Z", sources: { future_source: { ok: true, text: "x" } } },
    });
    expect(ok.success).toBe(true);
    const bad = AgentMessageSchema.safeParse({
      v: 1,
      type: "snapshot",
      seq: 1,
      hash: "h",
      snapshot: { collectedAt: "x", sources: { cmdline: { ok: false, error: "exploded" } } },
    });
    expect(bad.success).toBe(false);
  });

  test("another protocol version is refused", () => {
    expect(ServerMessageSchema.safeParse({ v: 2, type: "ack", seq: 1 }).success).toBe(false);
  });
});
