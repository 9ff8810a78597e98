/**
 * buildFacts: the raw snapshot, through the parsers, into HostFacts. Pure and total: it never
 * throws. A builder that fails on an unexpected input leaves its group unknown (as in
 * emptyFacts) and records the failure in collection.parseIssues, so one bad source cannot take
 * the whole judgement down.
 */
import type { Snapshot } from "../sources.ts";
import { buildCollection } from "./build-collection.ts";
import { buildConfiguredCrashkernel, buildCrashkernel } from "./build-crashkernel.ts";
import { buildDumps, buildDumpTarget } from "./build-dumps.ts";
import { buildIdentity } from "./build-identity.ts";
import { buildKdump } from "./build-kdump.ts";
import { buildMemory } from "./build-memory.ts";
import { buildReservation } from "./build-reservation.ts";
import { buildSecurity } from "./build-security.ts";
import { buildService } from "./build-service.ts";
import { buildKexec, buildPanic, buildSysrq } from "./build-sysctls.ts";
import { emptyFacts } from "./empty-facts.ts";
import type { HostFacts } from "./host-facts.ts";
import { applyImplications } from "./implications.ts";
import { createSourceContext, type SourceContext } from "./source-context.ts";
import { standInSources } from "./stand-ins.ts";

function guarded<T>(ctx: SourceContext, group: string, build: () => T, fallback: T): T {
  try {
    return build();
  } catch (error) {
    ctx.note(
      "facts",
      `${group} could not be built: ${error instanceof Error ? error.message : String(error)}`,
    );
    return fallback;
  }
}

export function buildFacts(snapshot: Snapshot): HostFacts {
  const safe: Snapshot = {
    sources: typeof snapshot?.sources === "object" && snapshot.sources !== null ? snapshot.sources : {},
    collectedAt: typeof snapshot?.collectedAt === "string" ? snapshot.collectedAt : "",
  };
  // a missing source answered by another that says the same (the boot log's `Command line:`)
  const standIns = standInSources(safe);
  const ctx = createSourceContext(standIns.snapshot);
  const facts = emptyFacts(safe.collectedAt);
  facts.identity = guarded(ctx, "identity", () => buildIdentity(ctx), facts.identity);
  facts.memory = guarded(ctx, "memory", () => buildMemory(ctx), facts.memory);
  facts.crashkernel = guarded(ctx, "crashkernel", () => buildCrashkernel(ctx, facts.identity, facts.memory), {
    ...facts.crashkernel,
    cmdlineRead: ctx.text("cmdline") !== null,
  });
  facts.configuredCrashkernel = guarded(
    ctx,
    "configuredCrashkernel",
    () => buildConfiguredCrashkernel(ctx),
    facts.configuredCrashkernel,
  );
  facts.service = guarded(ctx, "service", () => buildService(ctx), facts.service);
  facts.kdump = guarded(
    ctx,
    "kdump",
    () =>
      buildKdump(ctx, {
        family: facts.identity.os.family,
        arch: facts.identity.arch,
        service: facts.service,
      }),
    facts.kdump,
  );
  facts.reservation = guarded(
    ctx,
    "reservation",
    () => buildReservation(ctx, facts.kdump),
    facts.reservation,
  );
  facts.security = guarded(ctx, "security", () => buildSecurity(ctx), facts.security);
  facts.kexec = guarded(ctx, "kexec", () => buildKexec(ctx), facts.kexec);
  facts.panic = guarded(ctx, "panic", () => buildPanic(ctx), facts.panic);
  facts.sysrq = guarded(ctx, "sysrq", () => buildSysrq(ctx, facts.crashkernel), facts.sysrq);
  facts.dumpTarget = guarded(ctx, "dumpTarget", () => buildDumpTarget(ctx, facts.kdump), facts.dumpTarget);
  facts.dumps = guarded(ctx, "dumps", () => buildDumps(ctx), facts.dumps);
  facts.collection = guarded(ctx, "collection", () => buildCollection(ctx, standIns), facts.collection);
  standIns.relabel(facts);
  return guarded(ctx, "implications", () => applyImplications(facts), facts);
}
