import { defineConfig } from "drizzle-kit";

// `pnpm --filter @kdumpwatch/db generate --name <what>` writes a new migration into ./drizzle.
export default defineConfig({
  dialect: "postgresql",
  schema: ["./src/schema.ts", "./src/schema/alerting.ts"],
  out: "./drizzle",
});
