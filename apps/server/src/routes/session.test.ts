import { ApiErrorSchema, SessionSchema } from "@kdumpwatch/protocol";
import { ADMIN_TOKEN, createHarness, type Harness, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

describe.each(testDrivers())("session routes on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());

  const login = (token: string) =>
    h.request("/api/session", {
      auth: false,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });

  test("the admin token buys an HttpOnly, SameSite=Strict session cookie that opens the API", async () => {
    const res = await login(ADMIN_TOKEN);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(SessionSchema.parse(await res.json())).toEqual({ authenticated: true });
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^kdw_session=kdws_/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    const session = cookie.split(";")[0]!;
    const api = await h.request("/api/fleet/summary", { auth: false, headers: { cookie: session } });
    expect(api.status, "the cookie authenticates").toBe(200);
    const who = await h.request("/api/session", { auth: false, headers: { cookie: session } });
    expect(SessionSchema.parse(await who.json())).toEqual({ authenticated: true });

    const out = await h.request("/api/session", {
      auth: false,
      method: "DELETE",
      headers: { cookie: session },
    });
    expect(SessionSchema.parse(await out.json())).toEqual({ authenticated: false });
    const after = await h.request("/api/fleet/summary", { auth: false, headers: { cookie: session } });
    expect(after.status, "a deleted session no longer works").toBe(401);
  });

  test("a wrong token gets 401 and no cookie", async () => {
    const res = await login("not-the-admin-token");
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("unauthorized");
  });

  test("a session expires after 12 hours", async () => {
    const cookie = ((await login(ADMIN_TOKEN)).headers.get("set-cookie") ?? "").split(";")[0]!;
    h.clock.advance(12 * 3600 + 1);
    const res = await h.request("/api/hosts", { auth: false, headers: { cookie } });
    expect(res.status).toBe(401);
  });

  test.each([
    ["no JSON content type", { "content-type": "text/plain" }, JSON.stringify({ token: ADMIN_TOKEN })],
    ["malformed JSON", { "content-type": "application/json" }, "{token:"],
    ["a missing token", { "content-type": "application/json" }, "{}"],
  ])("a login with %s is a 400", async (_name, headers, body) => {
    const res = await h.request("/api/session", { auth: false, method: "POST", headers, body });
    expect(res.status).toBe(400);
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("bad_request");
  });

  test("an oversize body is refused with 413 before it is parsed", async () => {
    const res = await h.request("/api/session", {
      auth: false,
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(200_000) },
      body: JSON.stringify({ token: "x".repeat(199_980) }),
    });
    expect(res.status).toBe(413);
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("payload_too_large");
  });
});
