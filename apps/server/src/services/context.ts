import type { Db } from "@kdumpwatch/db";
import type { Alerting } from "../alerting/alerting.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Hub } from "../hub.ts";
import type { Logger } from "../log.ts";

/** What every service verb works with; the same object createApp receives (house-style §3). */
export interface ServiceContext {
  db: Db;
  hub: Hub;
  clock: Clock;
  log: Logger;
  config: Config;
  /** alerting hook called by ingest inside its transaction (absent in tests that do not need it) */
  alerting?: Pick<Alerting, "onHostJudged" | "onHostsJudged" | "closeHost">;
}
