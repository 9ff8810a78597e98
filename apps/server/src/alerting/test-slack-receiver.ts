/**
 * A Slack-compatible incoming-webhook receiver for the tests (not shipped: only tests import it).
 * It answers as Slack does — 200 `ok`, or 400 `invalid_blocks` / `no_text` — by applying the
 * Block Kit rules Slack documents, and records what Slack would make of each message: the links
 * and the mentions (pings) its mrkdwn contains.
 *
 * Rules and their sources:
 *   - https://api.slack.com/reference/block-kit/blocks — at most 50 blocks in a message; header:
 *     `text` plain_text, at most 150 characters; section: `text` at most 3,000 characters, or
 *     `fields`, at most 10, each at most 2,000; context: 1 to 10 elements; `block_id` at most 255;
 *   - https://api.slack.com/reference/block-kit/composition-objects#text — a text object is
 *     plain_text or mrkdwn with a non-empty `text`;
 *   - https://api.slack.com/methods/chat.postMessage — `text` is the notification fallback when
 *     blocks are sent; Slack truncates it past 40,000 characters (counted here as a problem: the
 *     message would be cut);
 *   - https://api.slack.com/reference/surfaces/formatting — `<!here>`, `<!channel>`, `<!everyone>`,
 *     `<!subteam^ID>`, `<@U…>` and `<#C…>` in mrkdwn notify people; `<url|text>` is a link; `&`, `<`
 *     and `>` written as `&amp;`, `&lt;`, `&gt;` are shown as text.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackVerdict {
  problems: string[];
  /** `<@U123>`, `<!here>`… found in mrkdwn: whom the message would ping */
  mentions: string[];
  /** every `<url|text>` and `<url>` link target in mrkdwn */
  links: string[];
}

const MENTION = /<(!here|!channel|!everyone|!subteam\^[^>|]+|@[UW][A-Z0-9]+|#C[A-Z0-9]+)(\|[^>]*)?>/g;
const LINK = /<((?:https?|mailto):[^>|]+)(\|[^>]*)?>/g;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function textObject(v: unknown, where: string, max: number, problems: string[], mrkdwn: string[]): void {
  if (!isObj(v) || (v.type !== "plain_text" && v.type !== "mrkdwn") || typeof v.text !== "string") {
    problems.push(`${where}: not a text object`);
    return;
  }
  if (v.text.length === 0) problems.push(`${where}: empty text`);
  if (v.text.length > max) problems.push(`${where}: ${v.text.length} characters > ${max}`);
  if (v.type === "mrkdwn") mrkdwn.push(v.text);
}

/** What Slack would answer, and what the message would do. */
export function judgeSlackMessage(body: unknown): SlackVerdict {
  const problems: string[] = [];
  const mrkdwn: string[] = [];
  if (!isObj(body)) return { problems: ["not a JSON object"], mentions: [], links: [] };
  const blocks = body.blocks;
  if (typeof body.text !== "string" && blocks === undefined) problems.push("no_text");
  if (typeof body.text === "string") {
    if (body.text.length > 40_000) problems.push(`text: ${body.text.length} characters > 40000 (truncated)`);
    mrkdwn.push(body.text); // the top-level text is mrkdwn by default (`mrkdwn: true`)
  }
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) problems.push("blocks: not an array");
    else {
      if (blocks.length > 50) problems.push(`blocks: ${blocks.length} > 50`);
      for (const [i, b] of blocks.entries()) {
        const where = `blocks[${i}]`;
        if (!isObj(b)) {
          problems.push(`${where}: not an object`);
          continue;
        }
        if (typeof b.block_id === "string" && b.block_id.length > 255)
          problems.push(`${where}.block_id > 255`);
        switch (b.type) {
          case "header":
            if (!isObj(b.text) || b.text.type !== "plain_text")
              problems.push(`${where}.text: must be plain_text`);
            textObject(b.text, `${where}.text`, 150, problems, mrkdwn);
            break;
          case "section":
            if (b.text === undefined && b.fields === undefined)
              problems.push(`${where}: text or fields required`);
            if (b.text !== undefined) textObject(b.text, `${where}.text`, 3000, problems, mrkdwn);
            if (b.fields !== undefined) {
              if (!Array.isArray(b.fields) || b.fields.length > 10)
                problems.push(`${where}.fields: at most 10`);
              else
                for (const [j, f] of b.fields.entries())
                  textObject(f, `${where}.fields[${j}]`, 2000, problems, mrkdwn);
            }
            break;
          case "context":
            if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) {
              problems.push(`${where}.elements: 1 to 10`);
            } else {
              for (const [j, e] of b.elements.entries())
                textObject(e, `${where}.elements[${j}]`, 3000, problems, mrkdwn);
            }
            break;
          case "divider":
            break;
          default:
            problems.push(`${where}: unknown block type ${JSON.stringify(b.type)}`);
        }
      }
    }
  }
  const mentions = mrkdwn.flatMap((t) => [...t.matchAll(MENTION)].map((m) => m[1] ?? ""));
  const links = mrkdwn.flatMap((t) => [...t.matchAll(LINK)].map((m) => m[1] ?? ""));
  return { problems, mentions, links };
}

export interface SlackReceiver {
  url: string;
  received: Array<{ body: unknown; verdict: SlackVerdict; status: number }>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0) and answers like Slack's incoming webhooks. */
export async function startSlackReceiver(): Promise<SlackReceiver> {
  const received: SlackReceiver["received"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("invalid_payload");
        return;
      }
      const verdict = judgeSlackMessage(body);
      const status = verdict.problems.length === 0 ? 200 : 400;
      received.push({ body, verdict, status });
      const answer =
        status === 200 ? "ok" : verdict.problems.includes("no_text") ? "no_text" : "invalid_blocks";
      res.writeHead(status, { "content-type": "text/plain" }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
