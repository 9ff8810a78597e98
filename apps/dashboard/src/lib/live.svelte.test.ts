import { hostRow, summary } from "@kdumpwatch/testkit";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { LiveConnection, parseLiveEvent } from "./live.svelte.ts";

/** Stands in for the browser's EventSource: the test opens, fails and feeds it by hand. */
class FakeSource {
  static made: FakeSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, ((e: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeSource.made.push(this);
  }
  addEventListener(name: string, fn: (e: { data: string }) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    for (const fn of this.listeners.get(name) ?? [])
      fn({ data: typeof data === "string" ? data : JSON.stringify(data) });
  }
}

function connection() {
  return new LiveConnection({ open: (url) => new FakeSource(url) as unknown as EventSource });
}
const last = () => FakeSource.made[FakeSource.made.length - 1]!;

beforeEach(() => {
  FakeSource.made = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test("events are parsed with the protocol schema and handed to subscribers", () => {
  const live = connection();
  const seen: unknown[] = [];
  live.subscribe({ onEvent: (e) => seen.push(e) });
  live.start();
  last().onopen?.();
  expect(live.status).toBe("open");
  last().emit("host", { type: "host", host: hostRow({ hostname: "db-7" }) });
  last().emit("summary", { type: "summary", summary: summary() });
  expect(seen).toHaveLength(2);
  expect((seen[0] as { host: { hostname: string } }).host.hostname).toBe("db-7");
});

test("an event that does not parse still signals a change, as null", () => {
  const live = connection();
  const seen: unknown[] = [];
  live.subscribe({ onEvent: (e) => seen.push(e) });
  live.start();
  last().emit("host", { type: "host", host: { id: 1 } });
  last().emit("message", "not json");
  expect(seen).toEqual([null, null]);
});

test("a drop shows as down, retries with backoff, and resyncs subscribers when back", () => {
  const live = connection();
  const resync = vi.fn();
  live.subscribe({ onResync: resync });
  live.start();
  last().onopen?.();
  expect(resync, "the first open is not a resync").not.toHaveBeenCalled();

  const first = last();
  first.onerror?.();
  expect(live.status).toBe("down");
  expect(first.closed, "the browser's own retry is switched off by closing").toBe(true);
  expect(live.downSince).not.toBeNull();
  expect(live.retryAt).not.toBeNull();

  vi.advanceTimersByTime(30_000);
  expect(FakeSource.made).toHaveLength(2);
  expect(live.status).toBe("connecting");
  last().onopen?.();
  expect(live.status).toBe("open");
  expect(live.downSince).toBeNull();
  expect(resync).toHaveBeenCalledOnce();
});

test("events from a replaced connection are ignored", () => {
  const live = connection();
  const seen = vi.fn();
  live.subscribe({ onEvent: seen });
  live.start();
  const old = last();
  old.onerror?.();
  vi.advanceTimersByTime(30_000);
  old.emit("summary", { type: "summary", summary: summary() });
  expect(seen).not.toHaveBeenCalled();
});

test("reconnect now skips the wait; stop ends everything", () => {
  const live = connection();
  live.start();
  last().onerror?.();
  live.retryNow();
  expect(FakeSource.made).toHaveLength(2);
  live.stop();
  expect(live.status).toBe("idle");
  expect(last().closed).toBe(true);
  vi.advanceTimersByTime(60_000);
  expect(FakeSource.made).toHaveLength(2);
});

test("parseLiveEvent rejects unknown event types", () => {
  expect(parseLiveEvent(JSON.stringify({ type: "gossip" }))).toBeNull();
  expect(parseLiveEvent("")).toBeNull();
  expect(parseLiveEvent(JSON.stringify({ type: "summary", summary: summary() }))?.type).toBe("summary");
});
