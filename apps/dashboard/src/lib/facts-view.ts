/**
 * The parts of core's HostFacts (packages/core/src/facts/host-facts.ts) the host page shows:
 * the crashkernel value and its expected size, the RAM estimate, the actual reservation, the value
 * configured for the next boot. The protocol types `facts` as an open record, so each group is
 * parsed on its own: a group that does not parse reads as unknown, and the rest still shows.
 */
import { ByteCountSchema } from "@kdumpwatch/protocol";
import * as z from "zod/mini";

/** core's ByteCount: a number below 2^53, an exact decimal string above */
const bytes = z.nullable(ByteCountSchema);

const CrashkernelGroup = z.object({
  cmdlineRead: z.boolean(),
  tokens: z.array(z.string()),
  effective: z.nullable(z.string()),
  kind: z.nullable(z.enum(["plain", "high"])),
  expectedBytes: bytes,
  /** added with the per-kernel model; absent in facts stored before it */
  expectedMaxBytes: z.optional(bytes),
  lowBytes: bytes,
  offsetBytes: bytes,
  uncertain: z.boolean(),
  problems: z.array(z.string()),
  problemDetails: z.array(z.string()),
});

const MemoryGroup = z.object({
  systemRamBytes: bytes,
  systemRamSource: z.nullable(z.string()),
  memTotalBytes: bytes,
});

const ReservationGroup = z.object({
  bytes,
  regions: z.array(z.object({ kind: z.string(), start: bytes, end: bytes, bytes, source: z.string() })),
});

const ConfiguredGroup = z.object({ value: z.nullable(z.string()), file: z.nullable(z.string()) });

const KdumpGroup = z.object({ suggestedBytes: bytes });

const IdentityGroup = z.object({ arch: z.nullable(z.string()), kernelRelease: z.nullable(z.string()) });

export interface FactsView {
  crashkernel: z.infer<typeof CrashkernelGroup> | null;
  memory: z.infer<typeof MemoryGroup> | null;
  reservation: z.infer<typeof ReservationGroup> | null;
  configured: z.infer<typeof ConfiguredGroup> | null;
  kdump: z.infer<typeof KdumpGroup> | null;
  identity: z.infer<typeof IdentityGroup> | null;
}

function group<S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> | null {
  const r = schema.safeParse(value);
  return r.success ? r.data : null;
}

export function readFacts(facts: Record<string, unknown> | null): FactsView {
  const f = facts ?? {};
  return {
    crashkernel: group(CrashkernelGroup, f.crashkernel),
    memory: group(MemoryGroup, f.memory),
    reservation: group(ReservationGroup, f.reservation),
    configured: group(ConfiguredGroup, f.configuredCrashkernel),
    kdump: group(KdumpGroup, f.kdump),
    identity: group(IdentityGroup, f.identity),
  };
}
