import { defineProject } from "vitest/config";

// `isolate: false`: a worker imports the modules once for all its files (no file mocks a module).
export default defineProject({
  test: { name: "protocol", include: ["src/**/*.test.ts"], isolate: false },
});
