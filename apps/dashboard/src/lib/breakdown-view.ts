/**
 * One row of the OS / kernel breakdown: the bucket's ready share, and a bar whose length is the
 * bucket's size against the largest bucket, split by verdict (same order and colours as the chart).
 */
import type { Verdict } from "@kdumpwatch/core";
import { STACK_ORDER } from "./chart-data.ts";
import { formatCount, formatShare } from "./format.ts";
import { VERDICT_LABELS } from "./labels.ts";
import type { FleetSummary } from "./schemas.ts";

export type Bucket = FleetSummary["os"][number];

export interface BucketView {
  /** e.g. "83%"; a dash for an empty bucket */
  readyShare: string;
  /** the verdicts with hosts, each as a percentage of the largest bucket (they add up to the bar) */
  segments: { verdict: Verdict; width: number }[];
  /** "10 ready, 2 not ready" (verdicts with hosts, worst last as in the stack) */
  title: string;
  /** some host in the bucket is not ready */
  hasNotReady: boolean;
}

export function bucketView(bucket: Bucket, largest: number): BucketView {
  const scale = largest > 0 ? 100 / largest : 0;
  const present = STACK_ORDER.filter((v) => bucket[v] > 0);
  return {
    readyShare: formatShare(bucket.ready, bucket.hosts),
    segments: present.map((v) => ({ verdict: v, width: Math.round(bucket[v] * scale * 100) / 100 })),
    title: present.map((v) => `${formatCount(bucket[v])} ${VERDICT_LABELS[v].toLowerCase()}`).join(", "),
    hasNotReady: bucket.not_ready > 0,
  };
}
