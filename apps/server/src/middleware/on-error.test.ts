import { ApiErrorSchema } from "@kdumpwatch/protocol";
import { createHarness, type Harness, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { allowedMethods, pathPattern } from "./allowed-methods.ts";

const json = { "content-type": "application/json" };

describe.each(testDrivers().slice(0, 1))("one error shape, 405 and 401 on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());

  test.each([
    ["POST", "/api/hosts", 405, "GET, HEAD, OPTIONS"],
    ["DELETE", "/api/fleet/summary", 405, "GET, HEAD, OPTIONS"],
    ["PUT", "/api/hosts/some-id", 405, "GET, HEAD, OPTIONS"],
    ["POST", "/api/hosts/some-id/labels", 405, "GET, HEAD, OPTIONS, PUT"],
    ["PATCH", "/api/silences/abc", 405, "DELETE, OPTIONS"],
    ["PUT", "/api/silences", 405, "GET, HEAD, OPTIONS, POST"],
    ["POST", "/healthz", 405, "GET, HEAD, OPTIONS"],
    ["POST", "/metrics", 405, "GET, HEAD, OPTIONS"],
    ["PUT", "/api/session", 405, "DELETE, GET, HEAD, OPTIONS, POST"],
  ])("%s %s answers %i with Allow: %s", async (method, path, status, allow) => {
    const res = await h.request(path, { method });
    expect(res.status, await res.clone().text()).toBe(status);
    expect(res.headers.get("allow")).toBe(allow);
    const body = ApiErrorSchema.parse(await res.json());
    expect(body.error.code).toBe("method_not_allowed");
    expect(body.error.message).toContain(method);
  });

  test("OPTIONS lists the methods of a path with 204", async () => {
    const res = await h.request("/api/hosts/x/labels", { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS, PUT");
  });

  test("a path nobody answers is still a JSON 404", async () => {
    for (const method of ["GET", "POST"]) {
      const res = await h.request("/api/no-such-thing", { method });
      expect(res.status).toBe(404);
      expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("not_found");
    }
  });

  test.each([
    ["no credential", "/api/hosts", {}, 'Bearer realm="kdumpwatch"'],
    [
      "a wrong bearer",
      "/api/hosts",
      { authorization: "Bearer nope" },
      'Bearer realm="kdumpwatch", error="invalid_token"',
    ],
    ["no credential on /metrics", "/metrics", {}, 'Bearer realm="kdumpwatch"'],
  ])("401 with %s carries WWW-Authenticate", async (_what, path, headers, challenge) => {
    const res = await h.request(path, { auth: false, headers });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(challenge);
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("unauthorized");
  });

  test("a wrong admin token at sign-in is a 401 with its challenge too", async () => {
    const res = await h.request("/api/session", {
      method: "POST",
      auth: false,
      headers: json,
      body: JSON.stringify({ token: "wrong-token" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer realm=");
  });

  test.each([
    ["a body that is not JSON", "/api/silences", "POST", "{nope", 400, "bad_request"],
    ["a body of the wrong shape", "/api/silences", "POST", '{"reason":1}', 400, "bad_request"],
    [
      "a body over 64 KiB",
      "/api/silences",
      "POST",
      JSON.stringify({ reason: "x".repeat(70_000) }),
      413,
      "payload_too_large",
    ],
    ["a bad query", "/api/hosts?sort=password", "GET", undefined, 400, "bad_request"],
    ["an unknown host", "/api/hosts/nope/labels", "GET", undefined, 404, "not_found"],
    ["bad labels", "/api/hosts/nope/labels", "PUT", '{"labels":{"Host":"x"}}', 400, "bad_request"],
  ])("%s is answered in the one error shape", async (_what, path, method, body, status, code) => {
    const res = await h.request(path, { method, headers: json, ...(body === undefined ? {} : { body }) });
    expect(res.status, await res.clone().text()).toBe(status);
    const parsed = ApiErrorSchema.parse(await res.json());
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.requestId).not.toBe("");
  });
});

describe("allowed methods", () => {
  const routes = [
    { method: "GET", path: "/api/hosts/:id" },
    { method: "PUT", path: "/api/hosts/:id/labels" },
    { method: "ALL", path: "/api/*" },
    { method: "GET", path: "*" },
  ];
  test.each([
    ["/api/hosts/abc", ["GET", "HEAD", "OPTIONS"]],
    ["/api/hosts/abc/", ["GET", "HEAD", "OPTIONS"]],
    ["/api/hosts/abc/labels", ["OPTIONS", "PUT"]],
    ["/api/hosts", []],
    ["/anything", []],
  ])("%s → %j (middleware and the SPA catch-all say nothing)", (path, expected) => {
    expect(allowedMethods(routes, path)).toEqual(expected);
  });

  test("a hono path becomes an anchored pattern; dots and parameters are not wildcards", () => {
    expect(pathPattern("/api/hosts.csv").test("/api/hostsXcsv")).toBe(false);
    expect(pathPattern("/api/hosts/:id").test("/api/hosts/a/b")).toBe(false);
  });
});
