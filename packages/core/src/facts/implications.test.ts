/** Each implication of facts/implications.ts: it applies when its premise holds, and only then. */

import { type DeepPartial, readyRhel, readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import type { HostFacts, ImplicationId } from "./host-facts.ts";
import { IMPLICATION_IDS } from "./host-facts.ts";
import { applyImplications, IMPLICATION_RULE_IDS } from "./implications.ts";

const MiB = 1024 * 1024;
const unloaded: DeepPartial<HostFacts> = { kdump: { state: "not_ready" } };

function applied(f: HostFacts): ImplicationId[] {
  return applyImplications(f).implications.map((i) => i.id);
}

test("every implication id has exactly one rule", () => {
  expect([...IMPLICATION_RULE_IDS].sort()).toEqual([...IMPLICATION_IDS].sort());
});

describe("loaded-implies-reserved: a loaded capture kernel proves the crashkernel region", () => {
  test("an empty `crashkernel addr:` and kexec_crash_size 0 are overruled by kexec_crash_loaded=1", () => {
    const f = readyUbuntu({
      reservation: { bytes: 0, regions: [], reservedSeen: false, noneSeen: true, evidence: [] },
    });
    expect(applied(f)).toContain("loaded-implies-reserved");
    expect(f.reservation).toMatchObject({
      reservedSeen: true,
      noneSeen: false,
      bytes: null,
      indirect: false,
    });
    expect(f.reservation.evidence).toContainEqual({ source: "kexec_crash_loaded", text: "1" });
  });

  test("a zeroed non-root read (indirect) becomes proven", () => {
    const f = readyUbuntu({ reservation: { bytes: null, reservedSeen: true, indirect: true } });
    applyImplications(f);
    expect(f.reservation.indirect).toBe(false);
  });

  test("does not apply when nothing is loaded, or the reservation is already proven", () => {
    expect(
      applied(readyUbuntu({ ...unloaded, reservation: { bytes: 0, reservedSeen: false, noneSeen: true } })),
    ).not.toContain("loaded-implies-reserved");
    expect(applied(readyUbuntu())).not.toContain("loaded-implies-reserved");
  });
});

describe("showmem-stands-in-for-reservation", () => {
  test("kdumpctl showmem gives the size when kexec_crash_size was not read", () => {
    const f = readyRhel({
      ...unloaded,
      reservation: { bytes: null, regions: [], reservedSeen: false },
      kdump: {
        state: "not_ready",
        showmemBytes: 256 * MiB,
        showmemEvidence: [
          { source: "kdumpctl_showmem", text: "kdump: Reserved 256MB memory for crash kernel" },
        ],
      },
    });
    expect(applied(f)).toContain("showmem-stands-in-for-reservation");
    expect(f.reservation).toMatchObject({ bytes: 256 * MiB, reservedSeen: true });
  });

  test("`Reserved 0MB` says nothing is reserved", () => {
    const f = readyRhel({
      reservation: { bytes: null, regions: [], reservedSeen: false, noneSeen: false },
      kdump: { state: "not_ready", showmemBytes: 0 },
    });
    applyImplications(f);
    expect(f.reservation).toMatchObject({ bytes: 0, noneSeen: true });
  });
});

describe("loaded-makes-load-limits-reload-only", () => {
  test("applies to a loaded host, not to an unloaded one", () => {
    const loaded = readyUbuntu();
    expect(applied(loaded)).toContain("loaded-makes-load-limits-reload-only");
    expect(loaded.kexec.onlyForReload).toBe(true);
    const idle = readyUbuntu(unloaded);
    applyImplications(idle);
    expect(idle.kexec.onlyForReload).toBe(false);
  });
});

describe("what proves the tooling installed", () => {
  test.each([
    ["a loaded capture kernel", { kdump: { installed: null } }, "loaded-implies-installed", true],
    [
      "systemd knowing the unit",
      {
        kdump: { installed: null, state: null },
        service: {
          unitState: "active",
          evidence: [
            { source: "kdump_service_status", text: "● kdump.service - Crash recovery kernel arming" },
          ],
        },
      },
      "service-implies-installed",
      true,
    ],
    [
      "systemd not finding any kdump unit",
      { kdump: { installed: null, state: null }, service: { unitState: "not-found" } },
      "service-implies-installed",
      false,
    ],
    [
      "an installed package",
      {
        kdump: {
          installed: null,
          state: null,
          packages: { installed: ["kexec-tools 2.0.27-8.el9_4"], absent: [], fullList: true, evidence: [] },
        },
      },
      "package-implies-installed",
      true,
    ],
    [
      "a full package list without any kdump package",
      {
        kdump: {
          installed: null,
          state: null,
          packages: { installed: [], absent: [], fullList: true, evidence: [] },
        },
      },
      "package-implies-installed",
      false,
    ],
    [
      "/etc/kdump.conf present",
      { kdump: { installed: null, state: null, configFiles: ["kdump_conf"] } },
      "config-implies-installed",
      true,
    ],
  ] as const)("%s", (_name, patch, id, installed) => {
    const f = readyRhel(patch as DeepPartial<HostFacts>);
    expect(applied(f)).toContain(id);
    expect(f.kdump.installed).toBe(installed);
  });

  test("a removed kdump-tools that left /etc/default/kdump-tools behind does not count", () => {
    const f = readyUbuntu({
      kdump: { installed: null, state: null, configFiles: ["etc_default_kdump_tools"] },
    });
    applyImplications(f);
    expect(f.kdump.installed).toBeNull();
  });

  test("first-hand answers are never overruled", () => {
    const f = readyUbuntu({ kdump: { installed: false } });
    applyImplications(f);
    expect(f.kdump.installed).toBe(false);
  });
});

describe("loaded-implies-enabled", () => {
  test("applies only when enablement was not read", () => {
    const f = readyRhel({ kdump: { enabled: null } });
    expect(applied(f)).toContain("loaded-implies-enabled");
    expect(f.kdump.enabled).toBe(true);
    const disabled = readyRhel({ kdump: { enabled: false } });
    applyImplications(disabled);
    expect(disabled.kdump.enabled).toBe(false);
  });
});

describe("fadump-needs-no-crashkernel", () => {
  test("a fadump host is not asked for crashkernel=", () => {
    const f = readyUbuntu({
      kdump: { mode: "fadump", modeEvidence: [{ source: "fadump_enabled", text: "1" }] },
    });
    expect(applied(f)).toContain("fadump-needs-no-crashkernel");
    expect(f.crashkernel.required).toBe(false);
    const k = readyUbuntu();
    applyImplications(k);
    expect(k.crashkernel.required).toBe(true);
  });
});
