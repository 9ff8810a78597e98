import type { Alert, Silence } from "@kdumpwatch/protocol";
import { hostRow } from "@kdumpwatch/testkit";
import { describe, expect, test, vi } from "vitest";
import { AlertsStore } from "./alerts.svelte.ts";
import { countAlerts, describeMatchers, emptySilenceForm, silenceRequest } from "./alerts-view.ts";
import { ApiClient } from "./api.ts";

function alert(patch: Partial<Alert> = {}): Alert {
  return {
    id: 1,
    hostId: "h1",
    hostname: "web-01",
    alertname: "KdumpCheckFailing",
    check: "crashkernel.reserved",
    subject: "",
    severity: "critical",
    state: "firing",
    startsAt: "2026-11-26T10:00:00.000Z",
    firedAt: "2026-11-26T10:01:00.000Z",
    resolvedAt: null,
    lastNotifiedAt: "2026-11-26T10:01:00.000Z",
    summary: "no memory reserved",
    remediation: "update-grub",
    silencedBy: [],
    ...patch,
  };
}

const silence: Silence = {
  id: "s1",
  matchers: { check: "kdump.loaded" },
  reason: "rollout",
  createdBy: "ops",
  createdAt: "2026-11-26T10:00:00.000Z",
  expiresAt: "2026-11-26T18:00:00.000Z",
  active: true,
};

function fakeApi(alerts: Alert[] = [alert()]) {
  const calls: Array<{ url: string; method: string; body: string | null }> = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    calls.push({ url, method, body: typeof init?.body === "string" ? init.body : null });
    if (url.startsWith("/api/alerts")) {
      return Response.json({ alerts, truncated: false, generatedAt: "2026-11-26T11:00:00.000Z" });
    }
    if (url === "/api/silences" && method === "GET") return Response.json({ silences: [silence] });
    if (url === "/api/silences" && method === "POST") return Response.json(silence, { status: 201 });
    if (url === "/api/silences/s1" && method === "DELETE")
      return Response.json({ ...silence, active: false });
    return Response.json({ error: { code: "not_found", message: "no", requestId: "r" } }, { status: 404 });
  }) as typeof globalThis.fetch;
  return { api: new ApiClient({ fetch }), calls };
}

describe("AlertsStore", () => {
  test("loads alerts with the window and the active silences", async () => {
    const { api, calls } = fakeApi();
    const store = new AlertsStore(api);
    await store.load();
    expect(store.alerts.map((a) => a.check)).toEqual(["crashkernel.reserved"]);
    expect(store.silences.map((s) => s.id)).toEqual(["s1"]);
    expect(calls.map((c) => c.url).sort()).toEqual(["/api/alerts?resolvedWithin=24h", "/api/silences"]);
    store.setWindow("7d");
    await vi.waitFor(() => expect(calls.some((c) => c.url === "/api/alerts?resolvedWithin=7d")).toBe(true));
  });

  test("the host panel asks for one host only and no silences", async () => {
    const { api, calls } = fakeApi();
    const store = new AlertsStore(api, { hostId: "h 1", window: "7d", silences: false });
    await store.load();
    expect(calls.map((c) => c.url)).toEqual(["/api/alerts?resolvedWithin=7d&hostId=h+1"]);
  });

  test("creating a silence posts the form's request and reloads", async () => {
    const { api, calls } = fakeApi();
    const store = new AlertsStore(api);
    const req = silenceRequest({
      ...emptySilenceForm(),
      scope: "check",
      check: "kdump.loaded",
      reason: " rollout ",
    });
    if (!req.ok) throw new Error(req.error);
    await store.createSilence(req.body);
    const post = calls.find((c) => c.method === "POST");
    expect(JSON.parse(post?.body ?? "null")).toEqual({
      matchers: { check: "kdump.loaded" },
      reason: "rollout",
      duration: "8h",
    });
    expect(calls.filter((c) => c.url.startsWith("/api/alerts")).length, "reloaded").toBe(1);
    await store.endSilence("s1");
    expect(calls.some((c) => c.method === "DELETE" && c.url === "/api/silences/s1")).toBe(true);
  });

  test("the host panel refetches on events about its host only", async () => {
    vi.useFakeTimers();
    try {
      const { api, calls } = fakeApi();
      const store = new AlertsStore(api, { hostId: "h1", silences: false });
      await store.load();
      const before = calls.length;
      store.onLiveEvent({ type: "host", host: hostRow({ id: "other" }) });
      await vi.advanceTimersByTimeAsync(3_000);
      expect(calls.length, "another host: nothing").toBe(before);
      store.onLiveEvent({ type: "host", host: hostRow({ id: "h1" }) });
      await vi.advanceTimersByTimeAsync(3_000);
      expect(calls.length).toBeGreaterThan(before);
      store.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("alert view helpers", () => {
  test("counts by state, silenced counting only open alerts", () => {
    const c = countAlerts([
      alert(),
      alert({ id: 2, state: "pending" }),
      alert({ id: 3, state: "resolved", silencedBy: ["s"] }),
      alert({ id: 4, silencedBy: ["s"] }),
    ]);
    expect(c).toEqual({ firing: 2, pending: 1, clearing: 0, resolved: 1, silenced: 1 });
  });

  test("matchers read as words, with host names when known", () => {
    expect(
      describeMatchers(
        { hostId: "h1", check: "kdump.loaded", labels: { severity: "warning" } },
        new Map([["h1", "web-01"]]),
      ),
    ).toBe("host web-01 · check kdump.loaded · severity=warning");
  });

  test.each([
    [{ scope: "check", check: "", reason: "x" }, /check/],
    [{ scope: "host", hostId: "", reason: "x" }, /host/],
    [{ scope: "label", label: "severity", reason: "x" }, /name=value/],
    [{ scope: "check", check: "kdump.loaded", reason: "  " }, /why/],
  ] as const)("an incomplete form says what is missing: %o", (patch, message) => {
    const r = silenceRequest({ ...emptySilenceForm(), ...patch });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  test("a label silence becomes a labels matcher", () => {
    const r = silenceRequest({
      ...emptySilenceForm(),
      scope: "label",
      label: " severity = warning ",
      reason: "noise",
      duration: "1h",
    });
    expect(r.ok && r.body).toEqual({
      matchers: { labels: { severity: "warning" } },
      reason: "noise",
      duration: "1h",
    });
  });
});
