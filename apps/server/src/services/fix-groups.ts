/**
 * Remediation at fleet scale: hosts grouped by the fix they need, i.e. by each of their root causes
 * (root-cause.ts) and their distro family (core's facts), with one script per group (fix-script.ts)
 * and the ids of its hosts for bulk actions. Duplicate records are left out: they are not hosts of
 * their own.
 */
import { CHECK_IDS, type CheckId, CRITICAL_CHECKS } from "@kdumpwatch/core";
import { type Db, hostReports, hosts, type SQL, sql } from "@kdumpwatch/db";
import {
  DISTRO_FAMILIES,
  type DistroFamilyName,
  type FixGroup,
  type FixGroups,
  type FixScript,
  type FixScriptQuery,
} from "@kdumpwatch/protocol";
import type { Clock } from "../clock.ts";
import { activeHostAs } from "./active-hosts.ts";
import { fixRecipe } from "./fix-recipes.ts";
import { ansiblePlay, partitionHosts, type ScriptHost, shellScript } from "./fix-script.ts";
import { rootCausesSql } from "./root-cause.ts";

export interface FixGroupsContext {
  db: Db;
  clock: Clock;
}

const rawFamily = sql`(${hostReports.facts}->'identity'->'os'->>'family')`;
const familyExpr = sql<string>`(case when ${rawFamily} in ('debian', 'el', 'suse') then ${rawFamily} else 'unknown' end)`;
const rootsExpr = rootCausesSql(sql`${hosts.failing}`);

function asFamily(value: string): DistroFamilyName {
  return (DISTRO_FAMILIES as readonly string[]).includes(value) ? (value as DistroFamilyName) : "unknown";
}

const CHECK_TITLES: Partial<Record<string, string>> = {
  "kdump.tools-installed": "Kdump tools missing",
  "kdump.enabled": "Kdump disabled",
  "crashkernel.param": "No valid crashkernel=",
  "crashkernel.reserved": "No memory reserved",
  "kdump.loaded": "Capture kernel not loaded",
  "kexec.lockdown": "Kexec refused by lockdown",
  "kexec.load-disabled": "Kexec loading disabled",
  "crashkernel.size": "Reservation too small",
  "crashkernel.low-region": "No low region",
  "crashkernel.pending-reboot": "Reboot pending",
  "kdump.kernel-links": "Kdump kernel links broken",
  "dump-target.capacity": "Dump target too small",
  "panic.on-oops": "No panic on oops",
  "sysrq.keyboard-crash": "SysRq crash key",
  "crash.dumps": "Crash dumps to collect",
  "kdump.service-state": "Kdump service state",
  "collection.complete": "Evidence incomplete (agent not root?)",
};

export async function fixGroups(ctx: FixGroupsContext): Promise<FixGroups> {
  const root = sql<string>`r.root`;
  const rows = await ctx.db
    .select({
      check: root,
      family: familyExpr,
      hosts: sql<number>`count(*)`.mapWith(Number),
      notReady: sql<number>`count(*) filter (where ${hosts.verdict} = 'not_ready')`.mapWith(Number),
    })
    .from(hosts)
    .leftJoin(hostReports, sql`${hostReports.hostId} = ${hosts.id}`)
    .innerJoin(sql`lateral unnest(${rootsExpr}) as r(root)`, sql`true`)
    .where(sql`${hosts.duplicateOf} is null and ${activeHostAs("hosts")}`)
    .groupBy(sql`1`, sql`2`);
  const order = (c: string) =>
    (CRITICAL_CHECKS.has(c as CheckId) ? 0 : 100) + CHECK_IDS.indexOf(c as CheckId);
  const groups: FixGroup[] = rows.map((r) => {
    const family = asFamily(r.family);
    const recipe = fixRecipe(r.check, family);
    return {
      check: r.check,
      family,
      hosts: r.hosts,
      notReady: r.notReady,
      scripted: recipe !== null,
      reboot: recipe?.reboot ?? false,
      title: recipe?.title ?? CHECK_TITLES[r.check] ?? r.check,
    };
  });
  groups.sort(
    (a, b) => order(a.check) - order(b.check) || b.hosts - a.hosts || (a.family < b.family ? -1 : 1),
  );
  return { groups, generatedAt: ctx.clock.now().toISOString() };
}

/** The hosts of one group, by hostname. */
export async function fixGroupHosts(
  ctx: FixGroupsContext,
  group: { check: string; family: DistroFamilyName },
): Promise<ScriptHost[]> {
  const inFamily: SQL = sql`${familyExpr} = ${group.family}`;
  return ctx.db
    .select({ id: hosts.id, hostname: hosts.hostname })
    .from(hosts)
    .leftJoin(hostReports, sql`${hostReports.hostId} = ${hosts.id}`)
    .where(
      sql`${hosts.duplicateOf} is null and ${activeHostAs("hosts")} and ${group.check}::text = any(${rootsExpr}) and ${inFamily}`,
    )
    .orderBy(hosts.hostname, hosts.id);
}

export async function fixScript(ctx: FixGroupsContext, q: FixScriptQuery): Promise<FixScript> {
  const all = await fixGroupHosts(ctx, q);
  const recipe = fixRecipe(q.check, q.family);
  const { included, excluded } = partitionHosts(all);
  const input = recipe && {
    check: q.check,
    family: q.family,
    recipe,
    hosts: included,
    generatedAt: ctx.clock.now().toISOString(),
  };
  return {
    check: q.check,
    family: q.family,
    format: q.format,
    script:
      input && included.length > 0 ? (q.format === "sh" ? shellScript(input) : ansiblePlay(input)) : null,
    steps: recipe?.steps ?? (all[0] ? await checkSteps(ctx, all[0].id, q.check) : []),
    reboot: recipe?.reboot ?? false,
    hosts: all,
    excluded,
  };
}

/** The check's own remediation on one host of the group (what a group without a script shows). */
async function checkSteps(ctx: FixGroupsContext, hostId: string, check: string): Promise<string[]> {
  const [row] = await ctx.db
    .select({ checks: hostReports.checks })
    .from(hostReports)
    .where(sql`${hostReports.hostId} = ${hostId}`);
  // read as untrusted all the same: a row written by an older server may hold another shape
  const checks: readonly { id?: unknown; remediation?: unknown }[] = Array.isArray(row?.checks)
    ? row.checks
    : [];
  const found = checks.find((c) => c.id === check);
  return Array.isArray(found?.remediation)
    ? found.remediation.filter((s): s is string => typeof s === "string")
    : [];
}
