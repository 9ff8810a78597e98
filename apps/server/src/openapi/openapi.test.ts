import { createHarness, type Harness, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openApiPath } from "./document.ts";
import { API_ROUTES } from "./route-table.ts";

/** The routes the app really answers (what hono registered), as "METHOD /path". */
function registered(h: Harness): string[] {
  const out = new Set<string>();
  for (const r of h.kdw.app.routes) {
    if (r.method === "ALL" || r.path === "*" || r.path === "/*") continue;
    out.add(`${r.method} ${r.path}`);
  }
  return [...out].sort();
}

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
};

describe.each(testDrivers().slice(0, 1))("the OpenAPI document on $name", (driver) => {
  let h: Harness;
  let doc: Doc;
  let hostId = "";
  beforeAll(async () => {
    h = await createHarness(driver);
    const hello = {
      v: 1 as const,
      type: "hello" as const,
      agentVersion: "t",
      machineId: "m-doc",
      hostname: "doc-1",
      auth: { kind: "enroll" as const, token: h.config.enrollToken ?? "" },
      labels: { team: "storage" },
    };
    const conn = await h.kdw.services.agents.authenticate(hello, null);
    if (!conn.ok) throw new Error(conn.message);
    hostId = conn.hostId;
    await h.kdw.services.agents.ingest(hostId, snapshotFrame("verdict=not_ready failing=kdump.loaded"));
    const res = await h.request("/api/openapi.json", { auth: false });
    expect(res.status, "served without a credential").toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => h?.dispose());

  test("every route registered in the app is in the route table, and the table lists no route the app lacks", () => {
    const table = new Set(API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const missing = registered(h).filter((r) => !table.has(r));
    const lines = missing.map((r) => {
      const [method = "", path = ""] = r.split(" ");
      return `  { method: "${method.toLowerCase()}", path: "${path}", summary: "…", tag: "…", auth: "admin", responses: ok(TheResponseSchema) },`;
    });
    expect(
      missing,
      `routes missing from apps/server/src/openapi/route-table.ts — add to API_ROUTES:\n${lines.join("\n")}`,
    ).toEqual([]);
    const stale = [...table].filter((r) => !registered(h).includes(r));
    expect(stale, "API_ROUTES lists routes the app does not register: remove them").toEqual([]);
  });

  test("it is a valid OpenAPI 3.1 document (checked against the official schema)", async () => {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.valid, JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toBe(true);
    expect((doc as unknown as { openapi: string }).openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/hosts/{id}/labels");
  });

  test.each([
    ["get", "/api/hosts", 200],
    ["get", "/api/hosts/{id}", 200],
    ["get", "/api/hosts/{id}/history", 200],
    ["get", "/api/hosts/{id}/labels", 200],
    ["get", "/api/hosts.json", 200],
    ["get", "/api/fleet/summary", 200],
    ["get", "/api/fleet/history", 200],
    ["get", "/api/alerts", 200],
    ["get", "/api/silences", 200],
    ["get", "/api/tokens", 200],
    ["get", "/healthz", 200],
    ["get", "/api/hosts/{id}", 404],
    ["get", "/api/hosts", 400],
  ] as const)("a real %s %s answer (%i) matches its schema in the document", async (method, path, status) => {
    const url =
      status === 404
        ? "/api/hosts/no-such-host"
        : status === 400
          ? "/api/hosts?limit=zero"
          : path.replace("{id}", encodeURIComponent(hostId));
    const res = await h.request(url, { method: method.toUpperCase() });
    expect(res.status, await res.clone().text()).toBe(status);
    const op = doc.paths[path]?.[method];
    const response = op?.responses[String(status)] ?? op?.responses.default;
    const schema = response?.content?.["application/json"]?.schema;
    expect(schema, `${method} ${path} ${status} has a JSON schema`).toBeDefined();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: "doc", ...(doc as object) });
    const validate = ajv.compile({
      $ref: `doc#/paths/${pointer(path)}/${method}/responses/${response === op?.responses.default ? "default" : status}/content/application~1json/schema`,
    });
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  test("paths are written the OpenAPI way ({id}), one per hono path", () => {
    expect(openApiPath("/api/hosts/:id/labels")).toBe("/api/hosts/{id}/labels");
    expect(new Set(API_ROUTES.map((r) => `${r.method} ${r.path}`)).size, "no route listed twice").toBe(
      API_ROUTES.length,
    );
  });
});

/** A JSON pointer segment for a path key (`/` → `~1`). */
function pointer(path: string): string {
  return path.replaceAll("~", "~0").replaceAll("/", "~1");
}
