/** What every benchmark scenario gets from the runner, and the shape of its stored result. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ProgressWindow } from "../../sim/run-stats.ts";
import { loadAverage } from "../lib/process-stats.ts";

export const RESULTS_DIR = resolve(import.meta.dirname, "../results");

export interface BenchContext {
  /** simulated agents for the socket scenarios (10,000 on the reference machine) */
  agents: number;
  /** hosts seeded for the read path (100,000) */
  readHosts: number;
  /** scratch directory of this run: server logs, PGlite data, simulator state */
  workDir: string;
  port: number;
  log(line: string): void;
}

export interface Stored<T> {
  scenario: string;
  startedAt: string;
  finishedAt: string;
  loadAverage: { before: [number, number, number]; after: [number, number, number] };
  command: string;
  result: T;
}

export async function recordScenario<T>(
  name: string,
  command: string,
  work: () => Promise<T>,
): Promise<Stored<T>> {
  const startedAt = new Date().toISOString();
  const before = loadAverage();
  const result = await work();
  const stored: Stored<T> = {
    scenario: name,
    startedAt,
    finishedAt: new Date().toISOString(),
    loadAverage: { before, after: loadAverage() },
    command,
    result,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(stored, null, 2)}\n`);
  return stored;
}

export function readStored<T>(name: string): Stored<T> | null {
  const path = join(RESULTS_DIR, `${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Stored<T>) : null;
}

/** Every n-th progress window, so a stored timeline stays short. */
export function thin(progress: ProgressWindow[], max = 120): ProgressWindow[] {
  const step = Math.max(1, Math.ceil(progress.length / max));
  return progress.filter((_, i) => i % step === 0 || i === progress.length - 1);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
