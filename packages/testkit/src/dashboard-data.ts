/** Valid API response bodies for the dashboard's unit tests, shaped by the protocol schemas. */
import type { FleetSummary, HostDetail, HostSummary as HostRow } from "@kdumpwatch/protocol";

export function hostRow(patch: Partial<HostRow> = {}): HostRow {
  return {
    id: "h1",
    hostname: "web-01",
    machineId: "0123456789abcdef0123456789abcdef",
    verdict: "not_ready",
    stale: false,
    failing: ["crashkernel.reserved"],
    os: "Ubuntu 24.04.1 LTS",
    kernel: "6.8.0-45-generic",
    ramBytes: 8 * 1024 ** 3,
    crashkernel: "2G-4G:320M,4G-32G:512M",
    reservedBytes: 0,
    lastSeenAt: "2026-11-26T09:00:00.000Z",
    verdictSince: "2026-11-25T09:00:00.000Z",
    enrolledAt: "2026-11-20T09:00:00.000Z",
    agentVersion: "0.1.0",
    duplicateOf: null,
    labels: {},
    decommissionedAt: null,
    ingestFailure: null,
    ...patch,
  };
}

export function summary(patch: Partial<FleetSummary> = {}): FleetSummary {
  return {
    total: 10,
    verdicts: { ready: 6, at_risk: 1, not_ready: 2, unknown: 1 },
    stale: 1,
    failingChecks: [{ check: "crashkernel.reserved", hosts: 2 }],
    os: [{ value: "Ubuntu 24.04.1 LTS", hosts: 10, ready: 6, at_risk: 1, not_ready: 2, unknown: 1 }],
    kernels: [{ value: null, hosts: 10, ready: 6, at_risk: 1, not_ready: 2, unknown: 1 }],
    duplicates: 0,
    generatedAt: "2026-11-26T09:00:00.000Z",
    ...patch,
  };
}

export function hostDetail(patch: Partial<HostDetail> = {}): HostDetail {
  return {
    host: hostRow(),
    checks: [
      {
        id: "crashkernel.reserved",
        status: "fail",
        summary: "No memory is reserved for the capture kernel.",
        evidence: [{ source: "dmesg", text: "crashkernel: invalid size" }],
        remediation: ["sudo update-grub", "sudo reboot"],
      },
    ],
    facts: null,
    sources: { cmdline: { ok: true, text: "BOOT_IMAGE=/vmlinuz ro crashkernel=2G-4G:320M" } },
    snapshot: {
      id: 1,
      hash: "ab",
      collectedAt: "2026-11-26T09:00:00Z",
      receivedAt: "2026-11-26T09:00:01.000Z",
    },
    agent: {
      version: "0.1.0",
      remoteAddress: "10.0.0.5",
      enrolledAt: "2026-11-20T09:00:00.000Z",
      lastSeenAt: "2026-11-26T09:00:00.000Z",
    },
    duplicates: [],
    labelSources: { labels: {}, agent: {}, api: {} },
    ...patch,
  };
}
