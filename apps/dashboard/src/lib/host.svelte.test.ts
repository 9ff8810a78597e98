import { hostDetail, hostRow } from "@kdumpwatch/testkit";
import { expect, test, vi } from "vitest";
import { ApiClient } from "./api.ts";
import { HostStore } from "./host.svelte.ts";

function fakeApi() {
  const urls: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    urls.push(url);
    if (url.endsWith("/history")) return Response.json({ transitions: [], snapshots: [] });
    if (url === "/api/hosts/h1") return Response.json(hostDetail());
    return Response.json(
      { error: { code: "not_found", message: "no such host", requestId: "r" } },
      { status: 404 },
    );
  }) as typeof globalThis.fetch;
  return { api: new ApiClient({ fetch }), urls };
}

test("loads the detail and the history together", async () => {
  const { api, urls } = fakeApi();
  const store = new HostStore(api, "h1");
  await store.load();
  expect(store.detail?.host.hostname).toBe("web-01");
  expect(store.history?.transitions).toEqual([]);
  expect(urls.sort()).toEqual(["/api/hosts/h1", "/api/hosts/h1/history"]);
});

test("an unknown host is a not_found error, not a crash", async () => {
  const { api } = fakeApi();
  const store = new HostStore(api, "gone");
  await store.load();
  expect(store.detail).toBeNull();
  expect((store.error as { kind?: string }).kind).toBe("not_found");
});

test("live events about other hosts and summaries are ignored; one about this host applies and refetches", async () => {
  vi.useFakeTimers();
  try {
    const { api, urls } = fakeApi();
    const store = new HostStore(api, "h1");
    await store.load();
    const before = urls.length;
    store.onLiveEvent({ type: "host", host: hostRow({ id: "other", verdict: "ready" }) });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(urls.length, "another host's event fetches nothing").toBe(before);

    store.onLiveEvent({ type: "host", host: hostRow({ id: "h1", verdict: "ready" }) });
    expect(store.detail?.host.verdict, "the verdict changes at once").toBe("ready");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(urls.length).toBeGreaterThan(before);
  } finally {
    vi.useRealTimers();
  }
});
