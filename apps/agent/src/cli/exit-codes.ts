import type { Verdict } from "@kdumpwatch/core";

/**
 * Exit statuses of the agent (product.md §4). Scripts branch on them: never reuse a number.
 * 64+ follow sysexits.h: EX_USAGE, EX_SOFTWARE, EX_CANTCREAT.
 */
export const EXIT = {
  ready: 0,
  at_risk: 1,
  not_ready: 2,
  unknown: 3,
  usage: 64,
  internal: 70,
  cantCreate: 73,
} as const;

export function exitCodeOf(verdict: Verdict): number {
  return EXIT[verdict];
}
