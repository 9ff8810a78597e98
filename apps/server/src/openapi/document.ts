/**
 * Builds the OpenAPI 3.1 document from the route table (route-table.ts) and the zod schemas the
 * routes validate with (zod 4 `toJSONSchema`: requests as their input form, e.g. query strings
 * before coercion, responses as their output form). OpenAPI 3.1 schemas are JSON Schema 2020-12,
 * which is what zod writes.
 */
import { API_ERROR_CODES, ApiErrorSchema } from "@kdumpwatch/protocol";
import * as z from "zod";
import type { ZodMiniType } from "zod/mini";
import { SESSION_COOKIE } from "../middleware/auth.ts";
import { AUTH_REALM } from "../middleware/on-error.ts";
import type { ApiRoute } from "./route-table.ts";

type Json = Record<string, unknown>;

function jsonSchema(schema: ZodMiniType, io: "input" | "output"): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema as unknown as z.ZodType, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Json;
  return rest;
}

/** `/api/hosts/:id` → `/api/hosts/{id}` */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function parameters(route: ApiRoute): Json[] {
  const out: Json[] = [];
  for (const m of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    out.push({ name: m[1], in: "path", required: true, schema: { type: "string" } });
  }
  if (route.query) {
    const q = jsonSchema(route.query, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      out.push({
        name,
        in: "query",
        required: q.required?.includes(name) ?? false,
        schema,
        // repeatable parameters (label=…&label=…) arrive as repeated keys
        ...("anyOf" in schema ? { style: "form", explode: true } : {}),
      });
    }
  }
  return out;
}

const ERROR = { $ref: "#/components/schemas/ApiError" };
const errorResponse = (description: string, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: ERROR } },
});

function operation(route: ApiRoute): Json {
  const responses: Json = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const type = r.contentType ?? "application/json";
    const content = r.schema
      ? { [type]: { schema: jsonSchema(r.schema, "output") } }
      : r.contentType
        ? { [type]: {} }
        : undefined;
    responses[status] = { description: r.description, ...(content ? { content } : {}) };
  }
  if (route.query || route.body)
    responses["400"] = errorResponse("invalid request (the message names the fields)");
  if (route.auth !== "none") {
    responses["401"] = errorResponse("no valid credential", {
      "WWW-Authenticate": { description: `Bearer realm="${AUTH_REALM}"`, schema: { type: "string" } },
    });
  }
  if (route.path.includes(":")) responses["404"] = errorResponse("no such item");
  responses["405"] = errorResponse("method not allowed here (see the Allow header)", {
    Allow: { description: "the methods this path answers", schema: { type: "string" } },
  });
  if (route.body) responses["413"] = errorResponse("request body larger than 64 KiB");
  responses.default = errorResponse("any other error, in the same shape (code from a closed set)");
  // metrics: the same schemes; its bearer may also be a metrics:read API token
  const security = route.auth === "none" ? [] : [{ bearer: [] }, { session: [] }];
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    security,
    ...(parameters(route).length > 0 ? { parameters: parameters(route) } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(routes: readonly ApiRoute[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "kdumpwatch",
      version,
      description:
        "Fleet kdump readiness: hosts, verdicts, checks, alerts. Every error is " +
        `{ error: { code, message, requestId } } with code one of ${API_ERROR_CODES.join(", ")}.`,
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    components: {
      schemas: { ApiError: jsonSchema(ApiErrorSchema, "output") },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description:
            "The admin token (KDUMPWATCH_ADMIN_TOKEN or the generated one); for GET /metrics also an API token with scope metrics:read",
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "dashboard session (POST /api/session)",
        },
      },
    },
    paths,
  };
}
