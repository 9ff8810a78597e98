/**
 * Slack incoming webhook message: `text` (what notifications and screen readers show) plus Block Kit
 * `blocks` (https://api.slack.com/messaging/webhooks, https://api.slack.com/reference/block-kit/blocks).
 *
 * Everything a host supplies (host names, summaries, commands, labels) is escaped for mrkdwn — `&`,
 * `<` and `>` become `&amp;`, `&lt;`, `&gt;`, the three characters Slack's formatting gives meaning
 * (https://api.slack.com/reference/surfaces/formatting#escaping) — so `<!here>`, `<@U123>` or a forged
 * `<https://…|link>` in a hostname is shown as text and pings nobody. The header names no host, so it
 * needs no escaping (plain_text).
 *
 * Slack's limits (the same pages): header text ≤ 150 characters, section text ≤ 3,000, ≤ 50 blocks
 * per message; the message `text` is cut by Slack past 40,000 characters
 * (https://api.slack.com/methods/chat.postMessage#truncating). The message lists at most 20 hosts
 * (firing first), each linked to its dashboard page and to its own fix, then "… and N more".
 */
import type { Notification } from "../alert-types.ts";
import { type GroupAlert, type GroupView, groupView } from "./group-view.ts";
import { hostFixUrl, hostPageUrl, type RenderContext, type RenderedRequest } from "./render-context.ts";

/** hosts listed by name before "… and N more" */
export const SLACK_MAX_HOSTS = 20;
const SLACK_LIMITS = { headerText: 150, sectionText: 3000, blocks: 50, messageText: 40_000 } as const;

interface TextObject {
  type: "plain_text" | "mrkdwn";
  text: string;
}

type SlackBlock =
  | { type: "header"; text: TextObject }
  | { type: "section"; text: TextObject }
  | { type: "context"; elements: TextObject[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

function escapeMrkdwn(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Cuts escaped text without splitting an entity (`&amp;`) at the end. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = s.slice(0, max - 1).replace(/&[a-z]{0,4}$/, "");
  return `${head}…`;
}

const WHAT: Record<Notification["alertname"], (check: string) => string> = {
  KdumpCheckFailing: (check) => `${check} failing`,
  KdumpHostStale: () => "agent not reporting",
  KdumpDuplicateMachineId: () => "duplicate machine-id",
  KdumpCrashDumpFound: () => "new crash dump",
  KdumpIngestFailing: () => "evidence not stored",
};

function state(n: Notification, view: GroupView): string {
  if (view.status === "resolved") return "RESOLVED";
  const reminder = n.items.every((i) => i.kind === "reminder");
  return `${reminder ? "STILL FIRING" : "FIRING"}:${view.firing}`;
}

/** The header: state, count, alert name and check; no host-supplied text. */
function slackHeader(n: Notification, view = groupView(n)): string {
  return `[${state(n, view)}] ${n.alertname}: ${WHAT[n.alertname](n.check)}`;
}

/** The notification text: the header plus which hosts (one named, several counted). */
function slackTitle(n: Notification, view = groupView(n)): string {
  const count = view.status === "resolved" ? view.resolved : view.firing;
  const only = view.alerts.length === 1 ? view.alerts[0] : undefined;
  const hosts = count === 1 && only ? escapeMrkdwn(only.item.labels.host) : `${count} hosts`;
  const alsoResolved = view.status === "firing" && view.resolved > 0 ? ` (${view.resolved} resolved)` : "";
  return `${slackHeader(n, view)} on ${hosts}${alsoResolved}`;
}

function hostLine(a: GroupAlert, check: string, ctx: RenderContext): string {
  const { item } = a;
  // host text is cut before it goes between links, so a line never needs cutting (nor a link breaking)
  const host = `<${hostPageUrl(ctx.publicUrl, item.labels.host_id)}|${cut(escapeMrkdwn(item.labels.host), 120)}>`;
  const mark = a.status === "resolved" ? "✓ " : "";
  const fix =
    a.status === "firing" && item.annotations.remediation !== ""
      ? ` · <${hostFixUrl(ctx.publicUrl, item.labels.host_id, check)}|fix>`
      : "";
  const also = item.annotations.consequences
    ? ` · also failing: ${escapeMrkdwn(
        item.annotations.consequences
          .split("\n")
          .map((l) => l.split(":")[0])
          .join(", "),
      )}`
    : "";
  return `• ${mark}${host} ${cut(escapeMrkdwn(item.annotations.summary), 400)}${fix}${cut(also, 300)}`;
}

export function renderSlack(n: Notification, ctx: RenderContext): RenderedRequest {
  const view = groupView(n);
  const blocks: SlackBlock[] = [
    {
      type: "header",
      text: { type: "plain_text", text: cut(slackHeader(n, view), SLACK_LIMITS.headerText) },
    },
  ];
  const firing = view.alerts.filter((a) => a.status === "firing");
  const first = firing[0]?.item;
  if (first !== undefined && first.annotations.remediation !== "") {
    const same = firing.every((a) => a.item.annotations.remediation === first.annotations.remediation);
    const title = same
      ? "*Fix*"
      : `*Fix for ${escapeMrkdwn(first.labels.host)}* (other hosts differ: follow each host's fix link)`;
    const code = `\`\`\`${escapeMrkdwn(first.annotations.remediation)}\`\`\``;
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: cut(`${title}\n${code}`, SLACK_LIMITS.sectionText) },
    });
  }
  if (first?.annotations.consequences && firing.length === 1) {
    const text = `*Also failing because of it* (not paged separately)\n${escapeMrkdwn(first.annotations.consequences)}`;
    blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(text, SLACK_LIMITS.sectionText) } });
  }
  const lines = [...firing, ...view.alerts.filter((a) => a.status === "resolved")]
    .slice(0, SLACK_MAX_HOSTS)
    .map((a) => hostLine(a, n.check, ctx));
  // the hosts fill as many sections as they need (each ≤ 3,000 characters), never cut inside a line
  const sections: string[] = [];
  let current = "";
  for (const line of lines) {
    if (current !== "" && current.length + line.length + 1 > SLACK_LIMITS.sectionText - 40) {
      sections.push(current);
      current = "";
    }
    current += `${current === "" ? "" : "\n"}${line}`;
  }
  const hidden = view.total - lines.length;
  if (hidden > 0) current += `${current === "" ? "" : "\n"}… and ${hidden} more`;
  if (current !== "") sections.push(current);
  for (const text of sections) blocks.push({ type: "section", text: { type: "mrkdwn", text } });
  const severity = first?.labels.severity ?? view.alerts[0]?.item.labels.severity ?? "?";
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `kdumpwatch · ${n.alertname} · check \`${escapeMrkdwn(n.check)}\` · severity ${severity} · ${view.firing} firing, ${view.resolved} resolved`,
      },
    ],
  });
  const message: SlackMessage = { text: cut(slackTitle(n, view), SLACK_LIMITS.messageText), blocks };
  return { body: JSON.stringify(message), contentType: "application/json" };
}
