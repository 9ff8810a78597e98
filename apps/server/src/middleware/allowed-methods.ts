/**
 * Which methods a path answers, from the routes registered on the hono app (`app.routes`), for
 * 405 answers and their `Allow` header. Middleware (method ALL) and catch-all paths (the
 * dashboard's SPA fallback `*`) say nothing about a path and are left out.
 */
export interface RegisteredRoute {
  method: string;
  path: string;
}

const CATCH_ALL = new Set(["*", "/*"]);
const cache = new WeakMap<
  readonly RegisteredRoute[],
  { count: number; list: Array<{ method: string; re: RegExp }> }
>();

/** hono path syntax (`/api/hosts/:id`, `*`) → an anchored regular expression. */
export function pathPattern(path: string): RegExp {
  const parts = path.split("/").map((seg) => {
    if (seg === "*") return ".*";
    if (seg.startsWith(":")) return "[^/]+";
    return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${parts.join("/")}/?$`);
}

function compiled(routes: readonly RegisteredRoute[]) {
  const hit = cache.get(routes);
  if (hit && hit.count === routes.length) return hit.list;
  const list = routes
    .filter((r) => r.method !== "ALL" && !CATCH_ALL.has(r.path))
    .map((r) => ({ method: r.method.toUpperCase(), re: pathPattern(r.path) }));
  cache.set(routes, { count: routes.length, list });
  return list;
}

/** The methods registered for `path`, sorted; GET brings HEAD along (hono answers HEAD with GET). */
export function allowedMethods(routes: readonly RegisteredRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of compiled(routes)) if (r.re.test(path)) methods.add(r.method);
  if (methods.has("GET")) methods.add("HEAD");
  if (methods.size > 0) methods.add("OPTIONS");
  return [...methods].sort();
}
