import { customType } from "drizzle-orm/pg-core";

/**
 * A column of byte counts, exact over the kernel's whole unsigned 64-bit range: `numeric(20, 0)`
 * (a `bigint` column stops at 2^63 − 1 and, read as a JS number, rounds from 2^53 on). Values are
 * written from their decimal text and read back as @kdumpwatch/core's ByteCount: a number below
 * 2^53, a decimal string from 2^53 on, so `===` compares two of them exactly.
 */
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

function byteCountFromDriver(value: unknown): number | `${bigint}` {
  const text = String(value);
  const whole = BigInt(/^\d+/.exec(text)?.[0] ?? "0");
  return whole <= SAFE_MAX ? Number(whole) : (whole.toString() as `${bigint}`);
}

export const byteCount = customType<{ data: number | `${bigint}`; driverData: string }>({
  dataType: () => "numeric(20, 0)",
  toDriver: (value) => String(value),
  fromDriver: byteCountFromDriver,
});
