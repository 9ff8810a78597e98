import {
  type ExportValue,
  HOST_CSV_COLUMNS,
  HostFilterSchema,
  HostHistoryQuerySchema,
  HostLabelsUpdateSchema,
  HostListQuerySchema,
  HostSortSchema,
  type HostSummary,
  hostExportRow,
} from "@kdumpwatch/protocol";
import { type Context, Hono } from "hono";
import { stream } from "hono/streaming";
import type { AppEnv, Services } from "../env.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

/** The query with `label` as every value given (`?label=team=a&label=site=b`), the rest as single values. */
function hostQuery(c: Context<AppEnv>): Record<string, string | string[]> {
  const labels = c.req.queries("label");
  return { ...c.req.query(), ...(labels === undefined ? {} : { label: labels }) };
}

export function hostRoutes(services: Services) {
  /** Every host matching the filters, page by page; the first page is read before answering. */
  async function exportPages(c: Context<AppEnv>) {
    const query = hostQuery(c);
    const filter = parseWith(HostFilterSchema, query);
    const sort = query.sort === undefined ? undefined : parseWith(HostSortSchema, query.sort);
    const pages = services.hosts.iterate(filter, sort);
    // fetch the first page before answering, so a bad filter is still a clean JSON error
    const first = await pages.next();
    return (async function* () {
      if (!first.done) yield first.value;
      yield* pages;
    })();
  }

  return new Hono<AppEnv>()
    .get("/hosts", async (c) =>
      c.json(await services.hosts.list(parseWith(HostListQuerySchema, hostQuery(c)))),
    )
    .get("/hosts.csv", async (c) => {
      const pages = await exportPages(c);
      c.header("content-type", "text/csv; charset=utf-8");
      c.header("content-disposition", 'attachment; filename="kdumpwatch-hosts.csv"');
      return stream(c, async (s) => {
        await s.write(`${HOST_CSV_COLUMNS.join(",")}\r\n`);
        for await (const page of pages) await s.write(page.map(csvRow).join(""));
      });
    })
    .get("/hosts.json", async (c) => {
      const pages = await exportPages(c);
      c.header("content-type", "application/json; charset=utf-8");
      c.header("content-disposition", 'attachment; filename="kdumpwatch-hosts.json"');
      return stream(c, async (s) => {
        let first = true;
        await s.write("[");
        for await (const page of pages) {
          for (const h of page) {
            await s.write(`${first ? "\n" : ",\n"}${JSON.stringify(hostExportRow(h))}`);
            first = false;
          }
        }
        await s.write(first ? "]\n" : "\n]\n");
      });
    })
    .get("/hosts/:id", async (c) => c.json(await services.hosts.get(c.req.param("id"))))
    .get("/hosts/:id/history", async (c) => {
      const { limit } = parseWith(HostHistoryQuerySchema, c.req.query());
      return c.json(await services.hosts.history(c.req.param("id"), limit));
    })
    .get("/hosts/:id/labels", async (c) => c.json(await services.labels.get(c.req.param("id"))))
    .put("/hosts/:id/labels", async (c) => {
      const { labels } = parseWith(HostLabelsUpdateSchema, await jsonBody(c.req));
      return c.json(await services.labels.replace(c.req.param("id"), labels));
    });
}

/**
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula (= + - @, tab, CR) gets a
 * leading apostrophe: hostnames, OS strings and labels come from hosts and are untrusted
 * (product.md §7). Lists are space-separated, label sets written as JSON objects.
 */
function csvCell(value: ExportValue): string {
  if (value === null) return "";
  let text: string;
  if (Array.isArray(value)) text = value.join(" ");
  else if (typeof value === "object") text = Object.keys(value).length === 0 ? "" : JSON.stringify(value);
  else text = String(value);
  if (typeof value !== "number" && typeof value !== "boolean" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(h: HostSummary): string {
  return `${Object.values(hostExportRow(h)).map(csvCell).join(",")}\r\n`;
}
