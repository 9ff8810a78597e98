/**
 * Reconnect delays for the live connection: capped exponential backoff with full jitter (the same
 * policy the agent uses, product.md §5), so a restarted server is not hit by every open dashboard at
 * the same instant.
 */
const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;
/** a floor, so a tab never spins on a server that refuses instantly */
export const BACKOFF_MIN_MS = 500;

export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.max(BACKOFF_MIN_MS, Math.floor(random() * ceiling));
}
