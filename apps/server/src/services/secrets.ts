import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Secrets are random 192-bit values with a prefix that says what they are (easy to grep in leaks). */
export const SECRET_PREFIX = {
  enrollToken: "kdwe",
  hostCredential: "kdwh",
  adminToken: "kdwa",
  session: "kdws",
  apiToken: "kdwr",
} as const;

export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString("base64url")}`;
}

export function newId(bytes = 8): string {
  return randomBytes(bytes).toString("hex");
}

/** Secrets are stored only as this digest. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
