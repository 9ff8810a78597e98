import { hostDetail, hostRow, summary } from "@kdumpwatch/testkit";
import { describe, expect, test, vi } from "vitest";
import { ApiClient, ApiError, describeError, hostsCsvUrl } from "./api.ts";
import { DEFAULT_FILTERS } from "./filters.ts";

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function client(
  respond: (url: string, init?: RequestInit) => Response | Promise<Response>,
  onUnauthorized = vi.fn(),
) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    return respond(url, init);
  }) as typeof globalThis.fetch;
  return { api: new ApiClient({ fetch, onUnauthorized }), calls, onUnauthorized };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "the call should have failed").toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("ApiClient", () => {
  test("parses the host list and sends filters, sort and paging in the query", async () => {
    const { api, calls } = client(() => json({ hosts: [hostRow()], nextCursor: "c2" }));
    const page = await api.hosts(
      { ...DEFAULT_FILTERS, verdict: ["not_ready"] },
      { cursor: "c1", limit: 100 },
    );
    expect(page.hosts[0]?.hostname).toBe("web-01");
    expect(page.nextCursor).toBe("c2");
    expect(calls[0]?.url).toBe("/api/hosts?verdict=not_ready&sort=-verdict&cursor=c1&limit=100");
  });

  test("parses the summary and the host detail", async () => {
    const { api } = client((url) => (url.endsWith("summary") ? json(summary()) : json(hostDetail())));
    expect((await api.fleetSummary()).verdicts.not_ready).toBe(2);
    expect((await api.host("h1")).checks[0]?.evidence[0]?.text).toBe("crashkernel: invalid size");
  });

  test("asks for the fleet history with the server's defaults or a given since and step, and parses it", async () => {
    const point = { at: "2026-11-26T09:00:00.000Z", ready: 3, at_risk: 0, not_ready: 1, unknown: 0 };
    const { api, calls } = client(() => json({ points: [point] }));
    expect((await api.fleetHistory()).points).toEqual([point]);
    await api.fleetHistory({ since: "2026-11-26T08:00:00.000Z", step: 60 });
    expect(calls.map((c) => c.url)).toEqual([
      "/api/fleet/history",
      "/api/fleet/history?since=2026-11-26T08%3A00%3A00.000Z&step=60",
    ]);
    const { api: bad } = client(() => json({ points: [{ ...point, ready: -1 }] }));
    expect((await failure(bad.fleetHistory())).kind).toBe("bad_response");
  });

  test("a body that does not match the schema is refused, naming the field", async () => {
    const { api } = client(() => json({ hosts: [{ ...hostRow(), verdict: "fine" }], nextCursor: null }));
    const err = await failure(api.hosts(DEFAULT_FILTERS, { limit: 10 }));
    expect(err.kind).toBe("bad_response");
    expect(err.message).toContain("hosts.0.verdict");
  });

  test("a body that is not JSON is a bad response", async () => {
    const { api } = client(() => new Response("<html>proxy error</html>", { status: 200 }));
    expect((await failure(api.fleetSummary())).kind).toBe("bad_response");
  });

  test("a 401 reports the session as gone", async () => {
    const { api, onUnauthorized } = client(() =>
      json({ error: { code: "unauthorized", message: "no session", requestId: "r1" } }, 401),
    );
    expect((await failure(api.fleetSummary())).kind).toBe("unauthorized");
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  test.each([
    [502, "unreachable"],
    [503, "unreachable"],
    [504, "unreachable"],
    [500, "server"],
    [404, "not_found"],
  ] as const)("HTTP %i maps to %s", async (status, kind) => {
    const { api } = client(() =>
      json({ error: { code: "internal", message: "boom", requestId: "r" } }, status),
    );
    expect((await failure(api.host("x"))).kind).toBe(kind);
  });

  test("a network failure is 'server unreachable'", async () => {
    const { api } = client(() => {
      throw new TypeError("fetch failed");
    });
    const err = await failure(api.fleetSummary());
    expect(err.kind).toBe("unreachable");
    expect(describeError(err).title).toBe("Server unreachable");
  });

  test("a refused request carries the server's message, never for a 5xx", async () => {
    const { api } = client(() =>
      json({ error: { code: "bad_request", message: "uses must be at least 1", requestId: "r" } }, 400),
    );
    const err = await failure(api.createToken({ uses: 0, ttlSeconds: 3600 }));
    expect(err.kind).toBe("rejected");
    expect(err.message).toBe("uses must be at least 1");
    const { api: api5 } = client(() =>
      json({ error: { code: "internal", message: "at db.query (secret)", requestId: "r" } }, 500),
    );
    expect(describeError(await failure(api5.fleetSummary())).detail).not.toContain("secret");
  });

  test("signing in posts the token as JSON and reads the session answer", async () => {
    const { api, calls } = client(() => json({ authenticated: true }));
    expect(await api.signIn("s3cret")).toBe(true);
    expect(calls[0]?.init?.method).toBe("POST");
    expect(calls[0]?.init?.body).toBe(JSON.stringify({ token: "s3cret" }));
  });

  test("host ids are escaped in the path", async () => {
    const { api, calls } = client(() => json({ transitions: [], snapshots: [] }));
    await api.hostHistory("a/../b");
    expect(calls[0]?.url).toBe("/api/hosts/a%2F..%2Fb/history");
  });
});

test("the CSV export uses exactly the view's filters and sort, without paging", () => {
  expect(hostsCsvUrl({ ...DEFAULT_FILTERS, check: "kdump.loaded", sort: "hostname", dir: "desc" })).toBe(
    "/api/hosts.csv?check=kdump.loaded&sort=-hostname",
  );
});
