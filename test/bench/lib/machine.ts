/** What the benchmarks ran on: written beside every figure in BENCHMARKS.md. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { describePostgres } from "./database.ts";
import { loadAverage } from "./process-stats.ts";
import { REPO } from "./server-process.ts";

export interface Machine {
  date: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  postgres: string | null;
  postgresSettings: Record<string, string>;
  pglite: string;
  nofile: string;
  gitCommit: string;
  gitDirty: boolean;
  loadAverageAtStart: [number, number, number];
}

const run = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", cwd: REPO }).trim();
  } catch {
    return "";
  }
};

export async function describeMachine(): Promise<Machine> {
  const osRelease = readFileSync("/etc/os-release", "utf8");
  const pg = await describePostgres();
  return {
    date: new Date().toISOString(),
    nproc: Number(run("nproc", [])) || cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: run("uname", ["-r"]),
    os: osRelease.match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1] ?? "Linux",
    node: process.version,
    postgres: pg?.version.replace(/ on x86_64.*$/, "") ?? null,
    postgresSettings: pg?.settings ?? {},
    pglite: "@electric-sql/pglite 0.5.16 (PostgreSQL 18 in WASM, in the server process)",
    nofile: run("bash", ["-c", "ulimit -Hn"]),
    gitCommit: run("git", ["rev-parse", "--short", "HEAD"]),
    gitDirty: run("git", ["status", "--porcelain"]) !== "",
    loadAverageAtStart: loadAverage(),
  };
}
