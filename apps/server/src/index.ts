export { type AppDeps, createApp, type KdumpwatchApp } from "./app.ts";
export { type Clock, ManualClock, systemClock } from "./clock.ts";
export { type Config, ConfigError, loadConfig } from "./config.ts";
export { createDbHub, createMemoryHub, type Hub } from "./hub.ts";
export { createLogger, type Logger, silentLogger } from "./log.ts";
export { type RunningServer, type StartOptions, startServer } from "./server.ts";
export type { ServiceContext } from "./services/context.ts";
export type { JudgeFn } from "./services/ingest.ts";
export { type RetentionResult, runRetention } from "./services/retention.ts";
