import { defineProject } from "vitest/config";

// `isolate: false`: a worker imports the agent's modules once for all the files it runs instead of
// once per file (~9 s of CPU over the project's 30 files); no file mocks a module or changes
// process-wide state that another file could see (read-file.test.ts fakes the fs boundary through
// readFileCapped's `openFile` option, not vi.mock).
export default defineProject({
  test: { name: "agent", include: ["src/**/*.test.ts"], isolate: false },
});
