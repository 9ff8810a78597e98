import { describe, expect, test } from "vitest";
import { ConfigError, defaultDashboardDir, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  test("has the documented defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      databaseUrl: undefined,
      dataDir: "./data",
      staleAfterSec: 180,
      reconnectGraceSec: 300,
      dashboardDir: defaultDashboardDir(),
    });
    expect(c.dashboardDir.endsWith("apps/dashboard/dist")).toBe(true);
  });

  test("flags win over the environment, and blank variables count as unset", () => {
    const c = loadConfig({ PORT: "9000", KDUMPWATCH_STALE_AFTER: "" }, { PORT: "9100" });
    expect(c.port).toBe(9100);
    expect(c.staleAfterSec).toBe(180);
  });

  test("accepts the alerting variables as optional text", () => {
    const c = loadConfig({ KDUMPWATCH_ALERT_WEBHOOKS: "https://a.example/h", KDUMPWATCH_ALERT_HOLD: "60" });
    expect(c.alerting).toMatchObject({ webhooks: "https://a.example/h", hold: "60" });
  });

  test.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["KDUMPWATCH_STALE_AFTER", "-5"],
    ["DATABASE_URL", "mysql://db/x"],
    ["KDUMPWATCH_ADMIN_TOKEN", "short"],
    ["KDUMPWATCH_LOG_LEVEL", "loud"],
  ])("a bad %s (%s) stops the start with a message naming the variable", (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join("\n")).toContain(name);
  });

  test("secrets are never echoed in the error", () => {
    expect(() => loadConfig({ KDUMPWATCH_ENROLL_TOKEN: "abc" })).toThrow(/\(hidden\)/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://user:hunter2@db/x" })).not.toThrow(/hunter2/);
  });
});
