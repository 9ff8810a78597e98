import { describe, expect, test } from "vitest";
import { databaseUnavailableReason, isDatabaseUnavailable, isLostConnection } from "./database-errors.ts";

const pgError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code, severity: "ERROR" });
const wrapped = (cause: unknown) =>
  Object.assign(new Error("Failed query: insert …"), { name: "DrizzleQueryError", cause });

describe("which database errors mean 'unavailable, retry later'", () => {
  test.each([
    [
      "postgres.js lost connection",
      Object.assign(new Error("write CONNECTION_CLOSED"), { code: "CONNECTION_CLOSED" }),
      "connection",
    ],
    [
      "connection refused",
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "connection",
    ],
    [
      "connect timeout, wrapped by drizzle",
      wrapped(Object.assign(new Error("x"), { code: "CONNECT_TIMEOUT" })),
      "connection",
    ],
    ["admin shutdown 57P01", pgError("57P01"), "connection"],
    ["cannot connect now 57P03", pgError("57P03"), "connection"],
    ["connection exception 08006", pgError("08006"), "connection"],
    ["statement timeout 57014", wrapped(pgError("57014")), "timeout"],
    ["disk full 53100", pgError("53100"), "storage"],
    ["I/O error 58030", pgError("58030"), "storage"],
    [
      "ENOSPC from PGlite's file system",
      wrapped(Object.assign(new Error("x"), { code: "ENOSPC" })),
      "storage",
    ],
    ["read-only transaction 25006 (a standby)", pgError("25006"), "connection"],
    ["unique violation 23505 is a bug, not an outage", pgError("23505"), null],
    ["syntax error 42601", wrapped(pgError("42601")), null],
    ["a TypeError", new TypeError("x is undefined"), null],
  ])("%s → %s", (_what, err, reason) => {
    expect(databaseUnavailableReason(err)).toBe(reason);
    expect(isDatabaseUnavailable(err)).toBe(reason !== null);
  });

  test("a lost connection is told apart from a query PostgreSQL refused", () => {
    expect(isLostConnection(Object.assign(new Error("x"), { code: "CONNECTION_CLOSED" }))).toBe(true);
    expect(isLostConnection(pgError("57P01"))).toBe(false);
    expect(isLostConnection(new Error("plain"))).toBe(false);
    expect(isLostConnection("CONNECTION_CLOSED")).toBe(false);
  });
});
