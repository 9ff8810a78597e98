import { defineProject } from "vitest/config";
import { e2eAlone, e2eBase } from "./vitest.e2e-shared.ts";

// The end-to-end files whose claim needs the machine to themselves: `fileParallelism: false` makes
// Vitest run this project's files one at a time, in a group of their own after every other project's
// files, so nothing else of the run competes with them for the 2 cores. Each is listed, with why,
// in vitest.e2e-shared.ts (`e2eAlone`).
export default defineProject({
  test: {
    ...e2eBase,
    name: "e2e-alone",
    include: e2eAlone,
    fileParallelism: false,
  },
});
