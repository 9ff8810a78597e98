/**
 * The polite live region's text: verdict changes that arrive live are gathered for a moment and
 * read out as one sentence ("web-1 is now not ready (was ready); 2 more hosts changed"), so a burst
 * of 300 hosts is one announcement, not 300.
 */
import { VERDICT_LABELS } from "./labels.ts";
import type { HostRow } from "./schemas.ts";

export interface VerdictChange {
  hostname: string;
  from: HostRow["verdict"] | null;
  to: HostRow["verdict"];
}

/** One sentence for a batch of changes: the first three named, the rest counted. */
export function describeChanges(changes: readonly VerdictChange[]): string {
  if (changes.length === 0) return "";
  const named = changes.slice(0, 3).map((c) => {
    const to = VERDICT_LABELS[c.to].toLowerCase();
    return c.from
      ? `${c.hostname} is now ${to} (was ${VERDICT_LABELS[c.from].toLowerCase()})`
      : `${c.hostname} reported: ${to}`;
  });
  const more = changes.length - named.length;
  return `${named.join("; ")}${more > 0 ? `; ${more} more host${more === 1 ? "" : "s"} changed verdict` : ""}.`;
}

export class Announcer {
  message = $state("");
  #pending: VerdictChange[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #delayMs: number;

  constructor(delayMs = 1_500) {
    this.#delayMs = delayMs;
  }

  verdictChanged(change: VerdictChange): void {
    this.#pending.push(change);
    this.#timer ??= setTimeout(() => this.flush(), this.#delayMs);
  }

  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    this.message = describeChanges(this.#pending);
    this.#pending = [];
  }
}
