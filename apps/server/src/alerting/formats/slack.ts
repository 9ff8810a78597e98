/**
 * Slack incoming webhook message: `text` (the notification fallback) plus Block Kit `blocks`
 * (https://api.slack.com/messaging/webhooks, https://api.slack.com/reference/block-kit/blocks).
 * Host names and summaries come from hosts: they are escaped for mrkdwn (&, <, >), and long lists
 * are cut to stay inside Slack's limits (3,000 characters per section, 50 blocks).
 */
import type { Notification, NotificationItem } from "../alert-types.ts";
import { hostPageUrl, type RenderContext, type RenderedRequest } from "./render-context.ts";

/** hosts listed by name before "… and N more" */
export const SLACK_MAX_HOSTS = 20;
const SECTION_MAX = 3000;
const HEADER_MAX = 150;

interface TextObject {
  type: "plain_text" | "mrkdwn";
  text: string;
}

export type SlackBlock =
  | { type: "header"; text: TextObject }
  | { type: "section"; text: TextObject }
  | { type: "context"; elements: TextObject[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export function escapeMrkdwn(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function slackTitle(n: Notification): string {
  const count = n.items.length;
  const hosts = count === 1 ? (n.items[0]?.labels.host ?? "1 host") : `${count} hosts`;
  const reminder = n.status === "firing" && n.items.every((i) => i.kind === "reminder");
  const state = n.status === "resolved" ? "RESOLVED" : reminder ? "STILL FIRING" : "FIRING";
  const what: Record<Notification["alertname"], string> = {
    KdumpCheckFailing: `${n.check} failing`,
    KdumpHostStale: "agent not reporting",
    KdumpDuplicateMachineId: "duplicate machine-id",
    KdumpCrashDumpFound: "new crash dump",
  };
  return `[${state}:${count}] ${what[n.alertname]} on ${hosts}`;
}

function hostLine(item: NotificationItem, ctx: RenderContext): string {
  const url = hostPageUrl(ctx.publicUrl, item.labels.host_id);
  return `• <${url}|${escapeMrkdwn(item.labels.host)}> ${escapeMrkdwn(item.annotations.summary)}`;
}

export function renderSlack(n: Notification, ctx: RenderContext): RenderedRequest {
  const title = slackTitle(n);
  const first = n.items[0];
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: cut(title, HEADER_MAX) } },
  ];
  if (first !== undefined && n.status === "firing" && first.annotations.remediation !== "") {
    const fix = `*Remediation*\n\`\`\`${first.annotations.remediation}\`\`\``;
    blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(fix, SECTION_MAX) } });
  }
  const shown = n.items.slice(0, SLACK_MAX_HOSTS).map((i) => hostLine(i, ctx));
  const more = n.items.length - shown.length;
  let list = "";
  for (const line of shown) {
    // never cut inside a link: stop adding lines when the next would not fit
    if (list.length + line.length + 1 > SECTION_MAX - 40) break;
    list += `${list === "" ? "" : "\n"}${line}`;
  }
  const listed = list === "" ? 0 : list.split("\n").length;
  const hidden = more + (shown.length - listed);
  if (hidden > 0) list += `\n… and ${hidden} more`;
  if (list !== "") blocks.push({ type: "section", text: { type: "mrkdwn", text: list } });
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `kdumpwatch · ${n.alertname} · check \`${escapeMrkdwn(n.check)}\` · severity ${first?.labels.severity ?? "?"}`,
      },
    ],
  });
  const message: SlackMessage = { text: title, blocks };
  return { body: JSON.stringify(message), contentType: "application/json" };
}
