import {
  HOST_CSV_COLUMNS,
  HostFilterSchema,
  HostHistoryQuerySchema,
  HostListQuerySchema,
  HostSortSchema,
  type HostSummary,
} from "@kdumpwatch/protocol";
import { Hono } from "hono";
import { stream } from "hono/streaming";
import type { AppEnv, Services } from "../env.ts";
import { parseWith } from "../middleware/validate.ts";

export function hostRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/hosts", async (c) =>
      c.json(await services.hosts.list(parseWith(HostListQuerySchema, c.req.query()))),
    )
    .get("/hosts.csv", async (c) => {
      const query = c.req.query();
      const filter = parseWith(HostFilterSchema, query);
      const sort = query.sort === undefined ? undefined : parseWith(HostSortSchema, query.sort);
      const pages = services.hosts.iterate(filter, sort);
      // fetch the first page before answering, so a bad filter is still a clean JSON error
      const first = await pages.next();
      c.header("content-type", "text/csv; charset=utf-8");
      c.header("content-disposition", 'attachment; filename="kdumpwatch-hosts.csv"');
      return stream(c, async (s) => {
        await s.write(`${HOST_CSV_COLUMNS.join(",")}\r\n`);
        if (!first.done) await s.write(first.value.map(csvRow).join(""));
        for await (const page of pages) await s.write(page.map(csvRow).join(""));
      });
    })
    .get("/hosts/:id", async (c) => c.json(await services.hosts.get(c.req.param("id"))))
    .get("/hosts/:id/history", async (c) => {
      const { limit } = parseWith(HostHistoryQuerySchema, c.req.query());
      return c.json(await services.hosts.history(c.req.param("id"), limit));
    });
}

/**
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula (= + - @, tab, CR) gets a
 * leading apostrophe: hostnames and OS strings come from hosts and are untrusted (product.md §7).
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(h: HostSummary): string {
  const cells = [
    h.id,
    h.hostname,
    h.machineId,
    h.verdict,
    h.stale,
    h.failing.join(" "),
    h.os,
    h.kernel,
    h.ramBytes,
    h.crashkernel,
    h.reservedBytes,
    h.lastSeenAt,
    h.verdictSince,
  ];
  return `${cells.map(csvCell).join(",")}\r\n`;
}
