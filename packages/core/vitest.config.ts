import { configDefaults, defineProject } from "vitest/config";
import { ALONE } from "./vitest.alone.config.ts";

// `isolate: false`: a worker imports the modules once for all of core's files (none mocks a module).
export default defineProject({
  test: {
    name: "core",
    include: ["src/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...ALONE],
    isolate: false,
  },
});
