/**
 * The dashboard's routes, in the URL fragment so the server needs no SPA fallback and any link
 * survives a reload: `#/` (fleet, with its filters as `#/?verdict=not_ready`), `#/hosts/<id>`,
 * `#/enroll`, `#/alerts?…`, `#/changes?…`, `#/fixes?…`. Pure functions: router.svelte.ts holds the current one.
 */
export type Route =
  | { name: "fleet"; query: URLSearchParams }
  | { name: "host"; id: string }
  | { name: "enroll" }
  | { name: "alerts"; query: URLSearchParams }
  | { name: "changes"; query: URLSearchParams }
  | { name: "fixes"; query: URLSearchParams }
  | { name: "not_found"; path: string };

export function parseHash(hash: string): Route {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  const q = raw.indexOf("?");
  const path = (q === -1 ? raw : raw.slice(0, q)) || "/";
  const query = new URLSearchParams(q === -1 ? "" : raw.slice(q + 1));
  if (path === "/" || path === "/hosts") return { name: "fleet", query };
  if (path === "/enroll") return { name: "enroll" };
  if (path === "/alerts") return { name: "alerts", query };
  if (path === "/changes") return { name: "changes", query };
  if (path === "/fixes") return { name: "fixes", query };
  const host = /^\/hosts\/([^/]+)\/?$/.exec(path);
  if (host?.[1]) {
    try {
      return { name: "host", id: decodeURIComponent(host[1]) };
    } catch {
      return { name: "not_found", path };
    }
  }
  return { name: "not_found", path };
}

export function fleetHref(query?: URLSearchParams): string {
  const qs = query?.toString() ?? "";
  return qs ? `#/?${qs}` : "#/";
}

export function hostHref(id: string): string {
  return `#/hosts/${encodeURIComponent(id)}`;
}

export const ENROLL_HREF = "#/enroll";
export const ALERTS_HREF = "#/alerts";
export const CHANGES_HREF = "#/changes";
export const FIXES_HREF = "#/fixes";

/** `#/<page>?<query>`, without a dangling `?` */
export function pageHref(base: string, query?: URLSearchParams): string {
  const qs = query?.toString() ?? "";
  return qs ? `${base}?${qs}` : base;
}
