import { readFile } from "node:fs/promises";
import { SOURCE_ERRORS, SOURCE_IDS, type SourceError, type SourceId } from "@kdumpwatch/core";
import type { Resolver } from "./resolver.ts";

/**
 * `kdumpwatch.json` at the root of a capture written by `collect --out`: what the text files cannot
 * say. A missing file means "unavailable"; the record says why (command not found, permission,
 * timeout) and which texts were cut or came with a non-zero exit status, so `check --root` on the
 * capture judges exactly what `check` judged live. Captures without it (sos reports) are fine.
 *   { "format": "kdumpwatch-capture/1", "collectedAt": "…", "agentVersion": "…",
 *     "sources": { "kdump_config_show": { "error": "not-found", "detail": "…" } } }
 */
export const CAPTURE_RECORD_FILE = "kdumpwatch.json";
export const CAPTURE_RECORD_FORMAT = "kdumpwatch-capture/1";

export interface CaptureRecordEntry {
  via?: string;
  error?: SourceError;
  detail?: string;
  truncated?: boolean;
  exitCode?: number;
}

export interface CaptureRecord {
  format: typeof CAPTURE_RECORD_FORMAT;
  collectedAt: string;
  agentVersion: string;
  sources: Partial<Record<SourceId, CaptureRecordEntry>>;
}

/**
 * The record of a capture, or null when absent, leading out of the capture (resolver.ts), or not
 * one we can trust the shape of.
 */
export async function readCaptureRecord(resolver: Resolver): Promise<CaptureRecord | null> {
  const path = await resolver.resolve(CAPTURE_RECORD_FILE);
  if (typeof path !== "string") return null;
  let raw: unknown;
  try {
    const text = await readFile(path, "utf8");
    if (text.length > 256 * 1024) return null;
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  return parseCaptureRecord(raw);
}

function parseCaptureRecord(raw: unknown): CaptureRecord | null {
  if (!isObject(raw) || raw.format !== CAPTURE_RECORD_FORMAT || !isObject(raw.sources)) return null;
  const sources: CaptureRecord["sources"] = {};
  for (const id of SOURCE_IDS) {
    const entry = raw.sources[id];
    if (!isObject(entry)) continue;
    const clean: CaptureRecordEntry = {};
    if (typeof entry.via === "string") clean.via = entry.via.slice(0, 500);
    if (isSourceError(entry.error)) clean.error = entry.error;
    if (typeof entry.detail === "string") clean.detail = entry.detail.slice(0, 1000);
    if (entry.truncated === true) clean.truncated = true;
    if (typeof entry.exitCode === "number" && Number.isInteger(entry.exitCode))
      clean.exitCode = entry.exitCode;
    sources[id] = clean;
  }
  return {
    format: CAPTURE_RECORD_FORMAT,
    collectedAt: typeof raw.collectedAt === "string" ? raw.collectedAt : "",
    agentVersion: typeof raw.agentVersion === "string" ? raw.agentVersion : "",
    sources,
  };
}

function isSourceError(value: unknown): value is SourceError {
  return SOURCE_ERRORS.some((e) => e === value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
