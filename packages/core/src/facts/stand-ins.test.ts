import { expect, test } from "vitest";
import dmesg2204 from "../../fixtures/judge/dmesg-ubuntu-2204-reserving-192M.txt?raw";
import type { Snapshot } from "../sources.ts";
import { buildFacts } from "./build-facts.ts";

const snapshot = (sources: Snapshot["sources"]): Snapshot => ({
  sources,
  collectedAt: "2024-09-04T12:00:00Z",
});

test("the boot log's `Command line:` stands in for a missing /proc/cmdline, cited as the dmesg line", () => {
  const f = buildFacts(
    snapshot({ dmesg: { ok: true, text: dmesg2204 }, cmdline: { ok: false, error: "missing" } }),
  );
  expect(f.crashkernel.cmdlineRead).toBe(true);
  expect(f.crashkernel.effective).toBe("512M-:192M");
  expect(f.collection.standIns).toEqual({ cmdline: "dmesg" });
  expect(f.collection.sources.cmdline, "still reported as collected: missing").toBe("missing");
  const line = f.crashkernel.evidence[0];
  expect(line?.source).toBe("dmesg");
  expect(dmesg2204.split("\n")).toContain(line?.text);
});

test("a read /proc/cmdline is never replaced", () => {
  const f = buildFacts(
    snapshot({ dmesg: { ok: true, text: dmesg2204 }, cmdline: { ok: true, text: "root=/dev/sda1\n" } }),
  );
  expect(f.crashkernel.effective).toBeNull();
  expect(f.collection.standIns).toEqual({});
});

test("the unit journal stands in for systemctl status, and says so", () => {
  const journal =
    "Oct 03 11:20:12 web02 systemd[1]: Finished kdump.service - Crash recovery kernel arming.\n";
  const f = buildFacts(snapshot({ kdump_service_journal: { ok: true, text: journal } }));
  expect(f.collection.standIns).toEqual({ kdump_service_status: "kdump_service_journal" });
  expect(f.service.unitState).toBe("active");
});
