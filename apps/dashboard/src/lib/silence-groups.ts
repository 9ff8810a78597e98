/**
 * Silences as the Alerts page lists them: a bulk silence made one silence per host (possibly
 * thousands), so silences that differ only by host are shown as one line, "42 hosts".
 */
import type { Silence } from "@kdumpwatch/protocol";
import { describeMatchers } from "./alerts-view.ts";

export interface SilenceGroup {
  key: string;
  ids: string[];
  /** what it matches: "host web-1 · check kdump.loaded", or "42 hosts · check kdump.loaded" */
  what: string;
  reason: string;
  createdBy: string;
  expiresAt: string;
}

export function groupSilences(
  silences: readonly Silence[],
  hostNames: ReadonlyMap<string, string>,
): SilenceGroup[] {
  const groups = new Map<string, SilenceGroup & { hosts: string[] }>();
  for (const s of silences) {
    const m = s.matchers;
    const perHost = m.hostId !== undefined && Object.keys(m.labels ?? {}).length === 0;
    const key = perHost ? `host|${m.check ?? ""}|${s.reason}|${s.createdBy}|${s.expiresAt}` : `one|${s.id}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        ids: [],
        hosts: [],
        what: "",
        reason: s.reason,
        createdBy: s.createdBy,
        expiresAt: s.expiresAt,
      };
      groups.set(key, g);
    }
    g.ids.push(s.id);
    if (perHost && m.hostId !== undefined) g.hosts.push(m.hostId);
    g.what =
      g.hosts.length > 1
        ? `${g.hosts.length} hosts${m.check !== undefined ? ` · check ${m.check}` : ""}`
        : describeMatchers(m, hostNames);
  }
  return [...groups.values()].map(({ hosts: _hosts, ...g }) => g);
}
