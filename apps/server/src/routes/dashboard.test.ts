import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiErrorSchema } from "@kdumpwatch/protocol";
import {
  createHarness,
  type Harness,
  listenHarness,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

describe("the dashboard at /", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kdw-dash-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>kdumpwatch</title><div id=app></div>");
    writeFileSync(join(dir, "assets", "app.js"), "console.log('app')");
    h = await createHarness(testDrivers()[0]!, { env: { KDUMPWATCH_DASHBOARD_DIR: dir } });
  });
  afterAll(async () => {
    await h?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test("serves index.html and assets without authentication", async () => {
    const index = await h.request("/", { auth: false });
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("<title>kdumpwatch</title>");
    const js = await h.request("/assets/app.js", { auth: false });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
  });

  test("falls back to index.html for client-side routes, but never for API paths", async () => {
    const route = await h.request("/hosts/abc", { auth: false });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain("id=app");
    const api = await h.request("/api/no-such-thing");
    expect(api.status).toBe(404);
    expect(ApiErrorSchema.parse(await api.json()).error.code).toBe("not_found");
  });

  test("an upgrade to a client-side route is a 404, not the SPA page (docs/stack.md §7)", async () => {
    const srv = await listenHarness(h);
    try {
      await expect(TestAgent.connect(`${srv.url.replace("http", "ws")}/hosts/abc`)).rejects.toThrow("404");
    } finally {
      await srv.close();
    }
  });
});
