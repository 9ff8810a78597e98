import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Snapshot } from "@kdumpwatch/core";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { silentLogger } from "../log.ts";
import { createJudgePool, type JudgePool } from "./judge-pool.ts";

// The pool's own behaviour (when workers start, where jobs go, what a death does), with a worker
// script that stands in for the judge: it answers the job's `wait` after that many milliseconds,
// names the thread that answered, and exits on `die`. The real judge worker is judged end to end
// in test/e2e/judge-off-loop.test.ts.
const dir = mkdtempSync(join(tmpdir(), "kdw-judge-pool-"));
const workerFile = join(dir, "worker.mjs");
writeFileSync(
  workerFile,
  `import { parentPort, threadId } from "node:worker_threads";
parentPort.on("message", ({ id, snapshot }) => {
  if (snapshot.die) process.exit(3);
  setTimeout(() => parentPort.postMessage({ id, ok: true, prepared: { threadId, tag: snapshot.tag } }), snapshot.wait ?? 0);
});
`,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pools: JudgePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(size: number): JudgePool {
  const p = createJudgePool({ file: workerFile, size, log: silentLogger() });
  pools.push(p);
  return p;
}

/** A job for the stand-in worker (it reads only these fields). */
function job(fields: { tag?: string; wait?: number; die?: boolean }): Snapshot {
  return fields as unknown as Snapshot;
}

/** What the stand-in worker answered: the job's tag and the thread that took it. */
async function answer(p: JudgePool, fields: { tag?: string; wait?: number }) {
  return (await p.prepare(job(fields), new Date())) as unknown as { threadId: number; tag: string };
}

describe("judge pool: workers start with the work", () => {
  test("no worker runs before the first snapshot; one idle worker takes one job after another", async () => {
    const p = pool(2);
    expect(p.workers).toBe(0);
    const first = await answer(p, { tag: "a" });
    const second = await answer(p, { tag: "b" });
    expect(first.tag).toBe("a");
    expect(second.tag).toBe("b");
    expect(second.threadId).toBe(first.threadId);
    expect(p.workers).toBe(1);
  });

  test("jobs that overlap start more workers, up to the size, then queue on the least busy", async () => {
    const p = pool(2);
    const answers = await Promise.all(["a", "b", "c", "d"].map((tag) => answer(p, { tag, wait: 200 })));
    expect(answers.map((a) => a.tag)).toEqual(["a", "b", "c", "d"]);
    expect(p.workers).toBe(2);
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(2);
    // a and b went to the two new workers, c and d queued one on each
    expect(answers[2]?.threadId).toBe(answers[0]?.threadId);
    expect(answers[3]?.threadId).toBe(answers[1]?.threadId);
  });

  test("a worker that dies fails its job, and the next job starts another", async () => {
    const p = pool(1);
    const before = await answer(p, { tag: "a" });
    await expect(p.prepare(job({ die: true }), new Date())).rejects.toThrow(/exited with code 3/);
    expect(p.workers).toBe(0);
    const after = await answer(p, { tag: "b" });
    expect(after.tag).toBe("b");
    expect(after.threadId).not.toBe(before.threadId);
    expect(p.workers).toBe(1);
  });

  test("after close, a job is refused instead of waiting for a worker that is gone", async () => {
    const p = pool(1);
    await answer(p, { tag: "a" });
    await p.close();
    await expect(p.prepare(job({ tag: "b" }), new Date())).rejects.toThrow(/closed/);
  });
});
