import {
  ApiErrorSchema,
  EnrollmentTokenSchema,
  TokenCreatedSchema,
  TokenListSchema,
} from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

describe.each(testDrivers())("token routes on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());

  const create = (body: unknown) =>
    h.request("/api/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  test("the dashboard creates a token (secret shown once), lists it without the secret, and revokes it", async () => {
    const res = await create({ label: "rack 12", uses: 3, ttlSeconds: 7200 });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = TokenCreatedSchema.parse(await res.json());
    expect(created.secret).toMatch(/^kdwe_/);
    expect(created.token).toMatchObject({ label: "rack 12", uses: 0, maxUses: 3, active: true });
    expect(Date.parse(created.token.expiresAt) - h.clock.now().getTime()).toBe(7200_000);

    const listed = await h.request("/api/tokens");
    const text = await listed.clone().text();
    expect(text, "the list never carries a secret").not.toContain(created.secret);
    expect(TokenListSchema.parse(await listed.json()).tokens.map((t) => t.id)).toContain(created.token.id);

    const auth = await h.kdw.services.agents.authenticate(
      hello({ auth: { kind: "enroll", token: created.secret } }),
      null,
    );
    expect(auth.ok, "the new token enrolls a host").toBe(true);

    const revoked = await h.request(`/api/tokens/${created.token.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    const body = EnrollmentTokenSchema.parse(await revoked.json());
    expect(body).toMatchObject({ active: false, uses: 1 });
    expect(body.revokedAt).not.toBeNull();
  });

  test("bad token requests are 400, an unknown id 404, and all of it needs the admin token", async () => {
    expect((await create({ uses: 0 })).status).toBe(400);
    expect((await create({ ttlSeconds: 10 })).status).toBe(400);
    const missing = await h.request("/api/tokens/nope", { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(ApiErrorSchema.parse(await missing.json()).error.code).toBe("not_found");
    expect((await h.request("/api/tokens", { auth: false })).status).toBe(401);
  });
});
