/**
 * The columns of the host exports, defined once: `GET /api/hosts.csv` writes them as its header
 * and cells, `GET /api/hosts.json` as the keys of each row, in this order. Adding a column here adds
 * it to both; columns are only ever appended (scripts read them by name or position).
 */
import * as z from "zod/mini";
import type { HostSummary } from "./http.ts";

/** A cell before formatting: CSV joins lists with spaces and writes label sets as JSON. */
export type ExportValue =
  | string
  | number
  | boolean
  | null
  | readonly string[]
  | Readonly<Record<string, string>>;

interface ExportColumn {
  readonly name: string;
  readonly value: (h: HostSummary) => ExportValue;
}

export const HOST_EXPORT_COLUMNS = [
  { name: "id", value: (h) => h.id },
  { name: "hostname", value: (h) => h.hostname },
  { name: "machine_id", value: (h) => h.machineId },
  { name: "verdict", value: (h) => h.verdict },
  { name: "stale", value: (h) => h.stale },
  { name: "failing", value: (h) => h.failing },
  { name: "os", value: (h) => h.os },
  { name: "kernel", value: (h) => h.kernel },
  { name: "ram_bytes", value: (h) => h.ramBytes },
  { name: "crashkernel", value: (h) => h.crashkernel },
  { name: "reserved_bytes", value: (h) => h.reservedBytes },
  { name: "last_seen_at", value: (h) => h.lastSeenAt },
  { name: "verdict_since", value: (h) => h.verdictSince },
  { name: "enrolled_at", value: (h) => h.enrolledAt },
  { name: "agent_version", value: (h) => h.agentVersion },
  { name: "labels", value: (h) => h.labels },
  { name: "duplicate_of", value: (h) => h.duplicateOf },
  { name: "decommissioned_at", value: (h) => h.decommissionedAt },
] as const satisfies readonly ExportColumn[];

export type HostExportColumnName = (typeof HOST_EXPORT_COLUMNS)[number]["name"];

/** Header of `GET /api/hosts.csv`, keys of `GET /api/hosts.json` rows. */
export const HOST_CSV_COLUMNS: readonly HostExportColumnName[] = HOST_EXPORT_COLUMNS.map((c) => c.name);

/** One host as an export row, keyed by column name, in column order. */
export function hostExportRow(h: HostSummary): Record<HostExportColumnName, ExportValue> {
  const row = {} as Record<HostExportColumnName, ExportValue>;
  for (const c of HOST_EXPORT_COLUMNS) row[c.name] = c.value(h);
  return row;
}

const iso = z.iso.datetime();

/** A row of `GET /api/hosts.json` (the same columns as the CSV, typed). */
export const HostExportRowSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  machine_id: z.string(),
  verdict: z.string(),
  stale: z.boolean(),
  failing: z.array(z.string()),
  os: z.nullable(z.string()),
  kernel: z.nullable(z.string()),
  ram_bytes: z.nullable(z.number()),
  crashkernel: z.nullable(z.string()),
  reserved_bytes: z.nullable(z.number()),
  last_seen_at: iso,
  verdict_since: iso,
  enrolled_at: iso,
  agent_version: z.nullable(z.string()),
  labels: z.record(z.string(), z.string()),
  duplicate_of: z.nullable(z.string()),
  decommissioned_at: z.nullable(iso),
});
export type HostExportRow = z.infer<typeof HostExportRowSchema>;

/** `GET /api/hosts.json`: every host matching the filters (no paging), in the requested sort. */
export const HostExportSchema = z.array(HostExportRowSchema);
