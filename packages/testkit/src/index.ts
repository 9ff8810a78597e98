/**
 * @kdumpwatch/testkit: test support kept out of every package's `src/` (house-style §1). Only
 * `*.test.ts` files import it; a Biome rule refuses it anywhere else under `src/`
 * (test/repo/testkit-imports.test.ts proves the rule fires). This entry holds the dashboard's
 * fixtures; each other package's support has its own entry (`/core`, `/db`, `/agent`, `/server`),
 * so that a package's tests load nothing of the others'.
 */
export { hostDetail, hostRow, summary } from "./dashboard-data.ts";
