import { expect, test } from "vitest";
import { fleetHref, hostHref, parseHash } from "./routes.ts";

test.each([
  ["", "fleet"],
  ["#", "fleet"],
  ["#/", "fleet"],
  ["#/?verdict=not_ready", "fleet"],
  ["#/enroll", "enroll"],
  ["#/alerts?state=firing", "alerts"],
  ["#/changes?at=2026-11-26T10:00:00Z&verdict=not_ready", "changes"],
  ["#/fixes?check=kdump.loaded&family=debian", "fixes"],
  ["#/hosts/abc", "host"],
  ["#/nowhere", "not_found"],
  ["#/hosts/%E0%A4%A", "not_found"],
])("%s opens the %s page", (hash, name) => {
  expect(parseHash(hash).name).toBe(name);
});

test("the fleet route keeps its query for the filters", () => {
  const r = parseHash("#/?verdict=not_ready&check=kdump.loaded");
  expect(r.name === "fleet" && r.query.get("check")).toBe("kdump.loaded");
});

test("a host id with reserved characters survives a link and back", () => {
  const id = "a/b?c#d";
  const r = parseHash(hostHref(id));
  expect(r).toEqual({ name: "host", id });
});

test("the fleet link omits an empty query", () => {
  expect(fleetHref()).toBe("#/");
  expect(fleetHref(new URLSearchParams("stale=true"))).toBe("#/?stale=true");
});
