/**
 * The one definition of "an active host" (docs/security.md "Identity and lifecycle"): a host that
 * has not been decommissioned. Every query that lists, counts, alerts on, sweeps, exports or
 * measures hosts filters with it; only the host page (`GET /api/hosts/:id`), the
 * `?decommissioned=true` list and the retention job look at decommissioned hosts. A grep for
 * `from(hosts)` / `join hosts` should find this predicate beside each one.
 */
import { alerts, hosts, isNotNull, isNull, type SQL, sql } from "@kdumpwatch/db";
import { AppError } from "../errors.ts";

/** `hosts.decommissioned_at is null`, for drizzle queries on the `hosts` table. */
export function activeHost(): SQL {
  return isNull(hosts.decommissionedAt) as SQL;
}

/** `hosts.decommissioned_at is not null`: the `?decommissioned=true` lists and retention. */
export function decommissionedHost(): SQL {
  return isNotNull(hosts.decommissionedAt) as SQL;
}

/** The same predicate for raw SQL that names the hosts table by an alias (`join hosts h`). */
export function activeHostAs(alias: string): SQL {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not an SQL alias: ${alias}`);
  return sql.raw(`${alias}.decommissioned_at is null`);
}

/**
 * For queries on the `alerts` table: the alert belongs to an active host. A decommissioned host's
 * alerts were resolved when it was decommissioned; they leave the fleet's alert lists and counts.
 */
export function alertOfActiveHost(): SQL {
  return sql`not exists (select 1 from ${hosts} d where d.id = ${alerts.hostId} and d.decommissioned_at is not null)`;
}

/** A decommissioned host's agent is told so and closed with 4410 (ws/agent-connection.ts). */
export function decommissionedError(): AppError {
  return new AppError("conflict", "this host was decommissioned");
}
