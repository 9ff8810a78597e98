/**
 * Who this host is, for `hello`: /etc/machine-id and /etc/hostname as the collector read them
 * (sources `machine_id`, `hostname`), else the fallback (os.hostname() on a live host). Trimmed and
 * cut to the lengths the wire schema accepts.
 */
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import type { Identity } from "./machine-model.ts";

const MAX_MACHINE_ID = 128;
const MAX_HOSTNAME = 255;

function firstLine(snapshot: SnapshotPayload, source: string): string | null {
  const result = snapshot.sources[source];
  if (result === undefined || !result.ok) return null;
  const line = result.text.split("\n", 1)[0]?.trim() ?? "";
  return line === "" ? null : line;
}

export function identityFromSnapshot(snapshot: SnapshotPayload, fallbackHostname: string): Identity {
  const hostname = (firstLine(snapshot, "hostname") ?? fallbackHostname).slice(0, MAX_HOSTNAME);
  const machineId = (firstLine(snapshot, "machine_id") ?? hostname).slice(0, MAX_MACHINE_ID);
  return { machineId, hostname };
}
