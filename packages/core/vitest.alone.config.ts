import { defineProject } from "vitest/config";

/**
 * The files of core whose claim is a measurement that needs the machine to itself:
 * linear-time.test.ts compares the CPU time of a parser on 1 MiB with 16 KiB; other files beside it
 * (Chromium, servers) take the caches and the cores it measures with. `fileParallelism: false` makes Vitest run
 * this project's files one at a time, in a group of their own after every other project's files.
 */
export const ALONE = ["src/parsers/linear-time.test.ts"];

export default defineProject({
  test: { name: "core-alone", include: ALONE, fileParallelism: false },
});
