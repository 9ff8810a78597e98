import type * as z from "zod/mini";
import { AppError } from "../errors.ts";

type Schema = z.ZodMiniType;

/** Parses with a protocol schema; a failure is a bad_request naming the fields (never a cast). */
export function parseWith<S extends Schema>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.infer<S>;
  const detail = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "request"}: ${i.message}`)
    .join("; ");
  throw new AppError("bad_request", `invalid request: ${detail}`);
}

/** The JSON body of a request, or bad_request. */
export async function jsonBody(req: {
  json(): Promise<unknown>;
  header(name: string): string | undefined;
}): Promise<unknown> {
  if (!(req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    throw new AppError("bad_request", "expected a JSON body (content-type: application/json)");
  }
  try {
    return await req.json();
  } catch {
    throw new AppError("bad_request", "body is not valid JSON");
  }
}
