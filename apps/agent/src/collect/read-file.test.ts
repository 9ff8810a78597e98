import { open } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { type OpenFile, readFileCapped } from "./read-file.ts";

// We run as root, so a mode-000 file would still be readable: the refusal is simulated at the fs
// boundary (the `openFile` option), exactly where a non-root agent would meet it.
const refusing: OpenFile = async (path, flags) => {
  if (path === "/proc/iomem-denied")
    throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
  if (path === "/sys/kernel/busy") throw Object.assign(new Error("EBUSY: resource busy"), { code: "EBUSY" });
  return open(path, flags);
};

describe("readFileCapped error mapping", () => {
  test("a file the agent may not read is recorded as permission, with advice to run as root", async () => {
    const r = await readFileCapped("/proc/iomem-denied", { maxBytes: 1024, openFile: refusing });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "permission" });
    expect(r.ok ? "" : r.detail).toMatch(/root/);
  });

  test("any other errno is a failed read that keeps the code (kexec_crash_size answers EBUSY during a load)", async () => {
    const r = await readFileCapped("/sys/kernel/busy", { maxBytes: 1024, openFile: refusing });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: "failed" });
    expect(r.ok ? "" : r.detail).toContain("EBUSY");
  });

  test("a /proc file whose stat size is 0 is read to its end", async () => {
    const r = await readFileCapped("/proc/self/status", { maxBytes: 64 * 1024, openFile: refusing });
    expect(r.ok && r.text, "status has a Name: line").toMatch(/^Name:/);
  });
});
