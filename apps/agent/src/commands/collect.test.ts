import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { CliIo } from "../cli/io.ts";
import { collectCommand } from "./collect.ts";

const dir = mkdtempSync(join(tmpdir(), "kdw-collect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = join(dir, "root");
mkdirSync(join(root, "proc"), { recursive: true });
writeFileSync(join(root, "proc/cmdline"), "ro crashkernel=512M\n");
writeFileSync(join(dir, "a-file"), "x");

function io() {
  const err: string[] = [];
  const value: CliIo = {
    stdout: () => {},
    stderr: (t) => err.push(t),
    isTty: false,
    env: {},
    now: () => new Date("2026-01-21T08:00:00Z"),
  };
  return { io: value, err };
}

describe("collect --out", () => {
  test.each([
    ["/proc/nope", "a directory the kernel refuses (Node's recursive mkdir spins on it)"],
    ["/proc/nope/deeper/still", "below such a directory"],
    [join(dir, "a-file/sub"), "below a regular file (ENOTDIR)"],
    ["/sys/kernel/nope", "on a read-only or refusing file system"],
  ])("%s exits 73 at once: %s", async (out) => {
    const { io: cli, err } = io();
    const started = Date.now();
    expect(await collectCommand({ root, out }, cli, {})).toBe(73);
    expect(Date.now() - started, "at once, not after collecting or spinning").toBeLessThan(2000);
    expect(err.join("")).toMatch(/^kdumpwatch-agent: collect: (cannot create|--out) /);
  });

  test.each([
    [join(dir, "a-file"), /exists and is not a directory/],
    [root, /exists and is not empty/],
  ])("%s is a usage error (64)", async (out, message) => {
    const { io: cli, err } = io();
    expect(await collectCommand({ root, out }, cli, {})).toBe(64);
    expect(err.join("")).toMatch(message);
  });

  test("a new nested directory is made and receives the capture", async () => {
    const out = join(dir, "new/nested/capture");
    const { io: cli, err } = io();
    expect(await collectCommand({ root, out }, cli, {}), err.join("")).toBe(0);
    expect(readdirSync(out)).toContain("kdumpwatch.json");
  });
});
