import { ApiErrorSchema } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHarness, type Harness, testDrivers } from "../testing/harness.ts";

describe.each(testDrivers().slice(0, 1))("metrics and health on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());

  test("/metrics exposes kdumpwatch_* fleet gauges, agent and ingest metrics, in Prometheus text", async () => {
    await h.seedHost({ id: "a", verdict: "not_ready", failing: ["kdump.loaded"] });
    await h.seedHost({ id: "b", verdict: "ready" });
    const res = await h.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('kdumpwatch_hosts{verdict="not_ready"} 1');
    expect(text).toContain('kdumpwatch_hosts{verdict="ready"} 1');
    expect(text).toContain('kdumpwatch_failing_checks{check="kdump.loaded"} 1');
    expect(text).toContain("kdumpwatch_agents_connected 0");
    expect(text).toContain("# TYPE kdumpwatch_ingest_duration_seconds histogram");
    expect(text).toContain("# TYPE kdumpwatch_ingest_frames_total counter");
    const names = [...text.matchAll(/^([a-z_]+)(?:\{|\s)/gm)].map((m) => m[1]);
    expect(
      names.filter((n) => !n?.startsWith("kdumpwatch_")),
      "every metric is prefixed",
    ).toEqual([]);
  });

  test("/metrics needs the admin token", async () => {
    expect((await h.request("/metrics", { auth: false })).status).toBe(401);
  });

  test("/healthz and /readyz answer without authentication; /readyz turns 503 when shutting down", async () => {
    expect(await (await h.request("/healthz", { auth: false })).json()).toEqual({ status: "ok" });
    expect(await (await h.request("/readyz", { auth: false })).json()).toEqual({ status: "ready" });
    h.kdw.setReady(false);
    const res = await h.request("/readyz", { auth: false });
    expect(res.status).toBe(503);
    h.kdw.setReady(true);
  });

  test("an unknown API path is a JSON 404 and a plain GET of the agent socket path asks for an upgrade", async () => {
    const res = await h.request("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("not_found");
    expect((await h.request("/api/agent/ws", { auth: false })).status).toBe(426);
  });
});
