/**
 * One HTTP attempt to one receiver: POST the rendered body, signed when a secret is set, with a hard
 * timeout so a receiver that never answers costs its own lane at most `timeoutMs`. Accepted means a
 * 2xx answer; anything else (status, timeout, refused connection) is a failure to retry.
 */
import { SIGNATURE_HEADER, signBody } from "./sign.ts";

const DELIVERY_HEADER = "X-Kdumpwatch-Delivery";

export interface DeliveryRequest {
  url: string;
  body: string;
  contentType: string;
  /** idempotency key for receivers that deduplicate (a retry after a lost answer repeats it) */
  deliveryId: string;
  secret: string | null;
  timeoutMs: number;
}

export type DeliveryOutcome = { ok: true; status: number } | { ok: false; error: string };

export async function postNotification(req: DeliveryRequest): Promise<DeliveryOutcome> {
  const headers: Record<string, string> = {
    "content-type": req.contentType,
    "user-agent": "kdumpwatch-alerting",
    [DELIVERY_HEADER]: req.deliveryId,
  };
  if (req.secret !== null) headers[SIGNATURE_HEADER] = signBody(req.body, req.secret);
  try {
    const res = await fetch(req.url, {
      method: "POST",
      headers,
      body: req.body,
      redirect: "manual",
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    // drain so the connection is reused; the answer's content does not matter, only its status
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: describeFetchError(err, req.timeoutMs) };
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return `no answer within ${timeoutMs} ms`;
  }
  // undici hides the reason (ECONNREFUSED, ENOTFOUND…) in `cause`
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause !== undefined && typeof cause.code === "string") return cause.code;
  if (err instanceof Error) return err.message.slice(0, 200);
  return "request failed";
}
