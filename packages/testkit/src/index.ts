/**
 * @kdumpwatch/testkit: test support kept out of every package's `src/` (house-style §1). Packages
 * take it as a devDependency and import it from their `*.test.ts` files only; a Biome rule refuses
 * it anywhere else under `src/` (test/repo/testkit-imports.test.ts proves the rule fires).
 */
export { hostDetail, hostRow, summary } from "./dashboard-data.ts";
