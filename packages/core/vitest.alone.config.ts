import { defineProject } from "vitest/config";

/**
 * The files of core whose claim is a measurement: the linear-time tests compare the CPU time of a
 * parser on 1 MiB with 16 KiB, and other files beside them (Chromium, servers) take the caches and
 * the cores they measure with. `sequence.groupOrder: 1` makes Vitest run this project in a group of
 * its own after every other project's files (and before the one-at-a-time `e2e-alone` files); its
 * two files run side by side there, one per core, each measuring its own process's CPU time: the
 * measurement was one file on one core while the other core idled (≈ 11 s of the run's tail).
 */
export const ALONE = ["src/parsers/linear-time.test.ts", "src/parsers/linear-time-generated.test.ts"];

export default defineProject({
  test: { name: "core-alone", include: ALONE, maxWorkers: 2, sequence: { groupOrder: 1 } },
});
