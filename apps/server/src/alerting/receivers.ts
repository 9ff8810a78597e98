/**
 * Receivers from KDUMPWATCH_ALERT_WEBHOOKS (comma-separated URLs). The scheme picks the format:
 *   https://hooks.example/kdump          generic webhook, Alertmanager webhook JSON (version "4")
 *   slack+https://hooks.slack.com/…      Slack incoming webhook (text + blocks)
 *   alertmanager+http://am:9093          Alertmanager v2 API, POST <base>/api/v2/alerts
 * A receiver is identified by a hash of its configured URL, so the URL (a Slack webhook URL is a
 * secret) is never stored in the outbox, and a receiver removed from the config is dropped there.
 */
import { createHash } from "node:crypto";

const RECEIVER_KINDS = ["webhook", "slack", "alertmanager"] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

export interface Receiver {
  /** 16 hex chars of sha256(configured URL) */
  id: string;
  kind: ReceiverKind;
  /** where the POST goes */
  url: string;
  /** safe to log and show: kind, origin, no path or credentials */
  name: string;
}

export type ParseReceiversResult = { ok: true; receivers: Receiver[] } | { ok: false; error: string };

export function parseReceivers(
  value: string | undefined,
  variable = "KDUMPWATCH_ALERT_WEBHOOKS",
): ParseReceiversResult {
  const receivers: Receiver[] = [];
  const entries = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const [i, entry] of entries.entries()) {
    const parsed = parseReceiver(entry);
    if (typeof parsed === "string") return { ok: false, error: `${variable}: entry ${i + 1}: ${parsed}` };
    if (receivers.some((r) => r.id === parsed.id)) continue;
    receivers.push(parsed);
  }
  return { ok: true, receivers };
}

function parseReceiver(entry: string): Receiver | string {
  let kind: ReceiverKind = "webhook";
  let rest = entry;
  const prefix = /^(slack|alertmanager)\+/i.exec(entry);
  if (prefix !== null) {
    kind = prefix[1]?.toLowerCase() === "slack" ? "slack" : "alertmanager";
    rest = entry.slice(prefix[0].length);
  }
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    return "not a URL (expected http(s)://…, slack+https://… or alertmanager+http(s)://…)";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `unsupported scheme ${JSON.stringify(url.protocol)} (http or https, optionally prefixed slack+ or alertmanager+)`;
  }
  if (kind === "alertmanager" && !/\/api\/v2\/alerts\/?$/.test(url.pathname)) {
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v2/alerts`;
  }
  const id = createHash("sha256").update(entry).digest("hex").slice(0, 16);
  return { id, kind, url: url.toString(), name: `${kind} ${url.protocol}//${url.host}` };
}
