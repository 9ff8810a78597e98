/**
 * Request signing: `X-Kdumpwatch-Signature: sha256=<hex HMAC-SHA256 of the exact body>` with
 * KDUMPWATCH_WEBHOOK_SECRET. Receivers recompute it over the raw body and compare in constant time
 * (docs/alerting.md shows how).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Kdumpwatch-Signature";

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** What a receiver does; used by the tests and shown in the docs. */
export function verifySignature(body: string, header: string | null | undefined, secret: string): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
