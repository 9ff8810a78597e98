/**
 * Reading the readiness chart at one point: the host counts of each verdict there, which band a
 * height falls in, and the canvas patterns that tell the bands apart without colour (the same
 * patterns as the CSS `pat-*` classes of app.css).
 */
import type { Verdict } from "@kdumpwatch/core";
import { type ReadinessColumns, STACK_ORDER } from "./chart-data.ts";
import type { HistoryRange } from "./fleet.svelte.ts";

export const RANGE_LABELS: Record<HistoryRange, string> = {
  auto: "Auto",
  "24h": "24 h",
  "7d": "7 d",
  "30d": "30 d",
  "90d": "90 d",
};

export interface PointCounts {
  /** unix seconds */
  at: number;
  counts: Record<Verdict, number>;
  /** the middle of each band, in hosts (where a tooltip points) */
  mid: Record<Verdict, number>;
}

/** Counts at column `idx` (the columns hold the tops of the stacked bands). */
export function countsAt(columns: ReadinessColumns, idx: number): PointCounts | null {
  const at = columns[0][idx];
  if (at === undefined) return null;
  const counts = { ready: 0, at_risk: 0, unknown: 0, not_ready: 0 } as Record<Verdict, number>;
  const mid = { ...counts };
  let below = 0;
  for (const [i, v] of STACK_ORDER.entries()) {
    const top = columns[i + 1]?.[idx] ?? below;
    counts[v] = top - below;
    mid[v] = (top + below) / 2;
    below = top;
  }
  return { at, counts, mid };
}

/** The verdict whose band holds `hosts` at column `idx`; the top band above the stack, null below 0. */
export function bandAt(columns: ReadinessColumns, idx: number, hosts: number): Verdict | null {
  if (!(hosts >= 0)) return null;
  let found: Verdict | null = null;
  for (const [i, v] of STACK_ORDER.entries()) {
    const top = columns[i + 1]?.[idx] ?? 0;
    const below = i === 0 ? 0 : (columns[i]?.[idx] ?? 0);
    if (top > below) found = v;
    if (hosts <= top && top > below) return v;
  }
  return found;
}

/** A small tile: the band's colour, faint, and its pattern drawn over it in a stronger tint. */
export function hatchPattern(
  verdict: Verdict,
  colour: string,
  theme: "light" | "dark",
): CanvasPattern | null {
  if (typeof document === "undefined") return null;
  const size = 8;
  const tile = document.createElement("canvas");
  tile.width = size;
  tile.height = size;
  const g = tile.getContext("2d");
  if (!g) return null;
  g.fillStyle = colour;
  g.globalAlpha = 0.22;
  g.fillRect(0, 0, size, size);
  g.globalAlpha = theme === "dark" ? 0.75 : 0.6;
  g.strokeStyle = colour;
  g.fillStyle = colour;
  g.lineWidth = 1.2;
  if (verdict === "not_ready") {
    g.beginPath();
    g.moveTo(0, size);
    g.lineTo(size, 0);
    g.moveTo(-2, 2);
    g.lineTo(2, -2);
    g.moveTo(size - 2, size + 2);
    g.lineTo(size + 2, size - 2);
    g.stroke();
  } else if (verdict === "unknown") {
    g.strokeRect(0.5, 0.5, size, size);
  } else if (verdict === "at_risk") {
    g.beginPath();
    g.arc(size / 2, size / 2, 1.2, 0, Math.PI * 2);
    g.fill();
  }
  return g.createPattern(tile, "repeat");
}
