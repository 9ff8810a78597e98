/**
 * One host of each distro family and one way to make each check fail or warn: the scenarios the
 * generated check catalogue (docs/checks.md, core's checks-doc.ts) runs every rule over to list each
 * family's fixes. Test and documentation support only: core's checks-doc.test.ts hands
 * `brokenHosts` to the renderer, family-remediation.test.ts runs the same scenarios to check each
 * family's commands.
 */
import type { CheckId, DistroFamily, HostFacts } from "@kdumpwatch/core";
import { type DeepPartial, readyRhel, readyUbuntu } from "./test-hosts.ts";

export type Family = Exclude<DistroFamily, "unknown">;
const GiB = 1024 ** 3;

/** A host of each family on which every check passes. */
export const FAMILY_HOSTS: Readonly<Record<Family, () => HostFacts>> = {
  debian: () => readyUbuntu(),
  el: () => readyRhel(),
  suse: () =>
    readyRhel({
      identity: {
        os: {
          id: "sles",
          idLike: ["suse"],
          versionId: "15.5",
          prettyName: "SUSE Linux Enterprise Server 15 SP5",
          family: "suse",
        },
      },
      kdump: { tool: "kdumptool" },
    }),
  azurelinux: () =>
    readyRhel({
      identity: {
        os: {
          id: "azurelinux",
          idLike: [],
          versionId: "3.0",
          prettyName: "Microsoft Azure Linux 3.0",
          family: "azurelinux",
        },
      },
    }),
};

const FAILURE = (kind: string) => ({
  service: {
    failure: { kind, explanation: "x", causeLine: null, evidence: [], thisBoot: true },
  },
});

/**
 * One way to make each check fail or warn; the third element, when present, lists the only families
 * the check applies to (kdump-tools' links exist on Debian/Ubuntu alone).
 */
export const BREAK: ReadonlyArray<
  readonly [CheckId, DeepPartial<HostFacts>] | readonly [CheckId, DeepPartial<HostFacts>, readonly Family[]]
> = [
  ["kdump.tools-installed", { kdump: { installed: false, state: "not_ready" } }],
  ["kdump.enabled", { kdump: { enabled: false, useKdump: "0", state: "not_ready" } }],
  [
    "crashkernel.param",
    { crashkernel: { effective: null, problems: ["missing"], problemDetails: ["no crashkernel="] } },
  ],
  [
    "crashkernel.reserved",
    {
      kdump: { state: "not_ready" },
      reservation: { bytes: 0, regions: [], reservedSeen: false, noneSeen: true },
    },
  ],
  ["kdump.loaded", { kdump: { state: "not_ready" } }],
  ...[
    "signature",
    "not-permitted",
    "access-denied",
    "no-space",
    "initramfs",
    "kernel-missing",
    "no-reservation",
    "not-supported",
    "fadump-registration",
    "tools-missing",
    "configuration",
    "disabled",
    "other",
  ].map((kind): [CheckId, DeepPartial<HostFacts>] => [
    "kdump.loaded",
    { kdump: { state: "not_ready" }, ...FAILURE(kind) },
  ]),
  [
    "kexec.lockdown",
    {
      kdump: { state: "not_ready" },
      security: {
        lockdownActive: true,
        lockdown: "integrity",
        lockdownKexecLines: [
          { source: "dmesg", text: "Lockdown: kexec: kexec of unsigned images is restricted" },
        ],
      },
    },
  ],
  ["kexec.load-disabled", { kdump: { state: "not_ready" }, kexec: { loadDisabled: true } }],
  ["crashkernel.size", { kdump: { suggestedBytes: 2 * GiB } }],
  [
    "crashkernel.low-region",
    {
      reservation: { regions: [{ kind: "main", start: 8 * GiB, end: 9 * GiB, bytes: GiB, source: "iomem" }] },
    },
  ],
  ["crashkernel.pending-reboot", { configuredCrashkernel: { value: "2G-4G:320M", read: true } }],
  ["dump-target.capacity", { dumpTarget: { freeBytes: 512 * 1024 * 1024, coredir: "/var/crash" } }],
  ["dump-target.capacity", { dumpTarget: { remote: { kind: "ssh", target: "kdump@backup.example" } } }],
  ["panic.on-oops", { panic: { onOops: 0 } }],
  [
    "crash.dumps",
    {
      dumps: {
        listed: true,
        entries: [
          {
            name: "202405011200",
            stamp: "202405011200",
            time: "2024-05-01T12:00",
            complete: false,
            sizeBytes: null,
          },
        ],
      },
    },
  ],
  [
    "crash.dumps",
    {
      dumpTarget: { numDumps: 0 },
      dumps: {
        listed: true,
        entries: ["202401011200", "202402011200", "202403011200"].map((stamp) => ({
          name: stamp,
          stamp,
          time: null,
          complete: true,
          sizeBytes: null,
        })),
      },
    },
  ],
  ["kdump.service-state", { ...FAILURE("initramfs") }],
  ["collection.complete", { collection: { permission: ["iomem"] } }],
  [
    "kdump.kernel-links",
    { kdump: { linkProblems: [{ source: "kdump_config_show", text: "KDUMP_KERNEL does not exist" }] } },
    ["debian"],
  ],
];

/** Deep merge for these patches (arrays and nulls replace). */
export function mergeFacts<T>(base: T, patch: unknown): T {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    out[k] =
      typeof cur === "object" &&
      cur !== null &&
      !Array.isArray(cur) &&
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v)
        ? mergeFacts(cur, v)
        : v;
  }
  return out as T;
}

/** The scenarios of BREAK that apply to a family. */
export function breaksOn(family: Family): ReadonlyArray<readonly [CheckId, DeepPartial<HostFacts>]> {
  return BREAK.filter((b) => b[2] === undefined || b[2].includes(family)).map(
    ([id, patch]) => [id, patch] as const,
  );
}

/** Hosts of `family` made to fail or warn check `id`, one per way BREAK knows (none: not applicable). */
export function brokenHosts(id: CheckId, family: Family): HostFacts[] {
  return breaksOn(family)
    .filter(([target]) => target === id)
    .map(([, patch]) => mergeFacts(FAMILY_HOSTS[family](), patch));
}
