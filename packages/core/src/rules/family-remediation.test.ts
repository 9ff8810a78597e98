/**
 * Every distro family with its own tools and its own fixes: for each family × each check made to
 * fail or warn, every remediation step names only commands that exist on that family (an EL host
 * is never told to run kdump-config), and the key checks name the family's own command.
 */
import { describe, expect, test } from "vitest";
import type { CheckId } from "../checks/check.ts";
import type { DistroFamily, HostFacts } from "../facts/host-facts.ts";
import { RULES } from "./rules.ts";
import { type DeepPartial, readyRhel, readyUbuntu } from "./test-hosts.ts";

type Family = Exclude<DistroFamily, "unknown">;
const NOW = new Date("2024-05-01T12:00:00Z");
const GiB = 1024 ** 3;

const HOSTS: Record<Family, () => HostFacts> = {
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

/** Commands that do not exist on a family (word-bounded so `tdnf` is not `dnf`). */
const FORBIDDEN: Record<Family, RegExp> = {
  debian: /\b(?:kdumpctl|grubby|zypper|yast2|tdnf|dnf|yum|grub2-mkconfig|kdumptool|mkdumprd)\b/,
  el: /\b(?:kdump-config|update-grub|apt|dpkg-reconfigure|zypper|yast2|tdnf|kdumptool)\b|\/etc\/default\/kdump-tools/,
  suse: /\b(?:kdump-config|kdumpctl|grubby|apt|dpkg-reconfigure|dnf|yum|tdnf|update-grub|reset-crashkernel)\b|\/etc\/default\/kdump-tools/,
  azurelinux:
    /\b(?:kdump-config|update-grub|apt|dpkg-reconfigure|zypper|yast2|grubby|reset-crashkernel|dnf|yum|kdumptool)\b|\/etc\/default\/kdump-tools/,
};

const FAILURE = (kind: string) => ({
  service: {
    failure: { kind, explanation: "x", causeLine: null, evidence: [], thisBoot: true },
  },
});

/** One way to make each check fail or warn. */
const BREAK: ReadonlyArray<[CheckId, DeepPartial<HostFacts>]> = [
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
];

/** The family's own command for the checks every operator meets first. */
const OWN: Partial<Record<CheckId, Record<Family, RegExp>>> = {
  "kdump.tools-installed": {
    debian: /apt install kdump-tools/,
    el: /dnf install kdump-utils/,
    suse: /zypper install kdump/,
    azurelinux: /tdnf install kexec-tools/,
  },
  "crashkernel.param": {
    debian: /update-grub/,
    el: /kdumpctl reset-crashkernel|grubby/,
    suse: /yast2 kdump|KDUMP_CRASHKERNEL/,
    azurelinux: /51_kexec_tools\.cfg[\s\S]*grub2-mkconfig/,
  },
  "kdump.loaded": {
    debian: /kdump-config load/,
    el: /kdumpctl restart/,
    suse: /systemctl restart kdump/,
    azurelinux: /kdumpctl restart/,
  },
  "kdump.enabled": {
    debian: /USE_KDUMP=1/,
    el: /systemctl enable --now kdump/,
    suse: /systemctl enable --now kdump/,
    azurelinux: /systemctl enable --now kdump/,
  },
};

describe.each(Object.keys(HOSTS) as Family[])("%s", (family) => {
  test.each(BREAK.map(([id, patch], i) => [`${id} #${i}`, id, patch] as const))(
    "%s: every step is a %s command",
    (_name, id, patch) => {
      const base = HOSTS[family]();
      const facts = mergeFacts(base, patch);
      const results = Object.values(RULES).map((rule) => rule(facts, NOW));
      const target = results.find((r) => r.id === id)!;
      expect(["fail", "warn"], `${id}: ${target.summary}`).toContain(target.status);
      for (const r of results) {
        for (const step of r.remediation ?? []) {
          expect(step, `${family} ${r.id}: ${step}`).not.toMatch(FORBIDDEN[family]);
        }
      }
      const own = OWN[id]?.[family];
      if (own) expect((target.remediation ?? []).join("\n"), `${family} ${id}`).toMatch(own);
    },
  );
});

/** Deep merge for these patches (arrays and nulls replace). */
function mergeFacts<T>(base: T, patch: unknown): T {
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
