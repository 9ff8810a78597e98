import { defineProject } from "vitest/config";

/**
 * The files of core whose claim is a measurement that needs the machine to itself:
 * linear-time.test.ts compares the CPU time of a parser on 1 MiB with 128 KiB, and beside other
 * files (Chromium, servers) the large input's cache misses pushed a linear parser's ratio to
 * ×25–33 against a limit of 24 (seen at load 6–17). `fileParallelism: false` makes Vitest run
 * this project's files one at a time, in a group of their own after every other project's files.
 */
export const ALONE = ["src/parsers/linear-time.test.ts"];

export default defineProject({
  test: { name: "core-alone", include: ALONE, fileParallelism: false },
});
