import { describe, expect, test } from "vitest";
import { parseFadumpEnabled, parseFadumpMemReserved, parseFadumpRegistered } from "./fadump.ts";

describe("fadump sysfs files", () => {
  test("enabled and registered are 0/1 flags, mem_reserved is bytes", () => {
    expect(parseFadumpEnabled("1\n").value.enabled).toBe(true);
    expect(parseFadumpRegistered("0\n").value.registered).toBe(false);
    expect(parseFadumpRegistered("x").value.registered).toBe(null);
    expect(parseFadumpMemReserved("4294967296\n").value.bytes).toBe(4294967296);
    expect(parseFadumpMemReserved("-5").value.bytes).toBe(null);
  });
});
