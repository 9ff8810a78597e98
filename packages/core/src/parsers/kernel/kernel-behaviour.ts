import {
  type CrashkernelBehaviour,
  KERNEL_ARCHES,
  type KernelArch,
  normalizeArch,
} from "./crashkernel-behaviour.ts";
import { CRASHKERNEL_MODEL, type KernelVersion, type ModelRow } from "./crashkernel-model.ts";
import { parseKernelRelease } from "./kernel-release.ts";

/** One kernel as the table sees it: architecture, base version, Enterprise Linux major and build. */
export interface KernelPoint {
  arch: KernelArch;
  version: KernelVersion;
  el: number | null;
  /** EL build number; null when unknown */
  build: number | null;
}

export interface ResolvedBehaviours {
  /** the distinct behaviours this kernel may have, the likeliest first */
  candidates: CrashkernelBehaviour[];
  /** rows of the table applied to the likeliest behaviour, in order */
  rows: ModelRow[];
  /** release and architecture were both known */
  known: boolean;
}

function atLeast(v: KernelVersion, w: KernelVersion): boolean {
  return v[0] > w[0] || (v[0] === w[0] && v[1] >= w[1]);
}

/** "yes", "no" or "maybe": does the row apply to this kernel? */
function applies(row: ModelRow, p: KernelPoint): "yes" | "no" | "maybe" {
  if (row.arch !== "*" && row.arch !== p.arch) return "no";
  if (row.el !== undefined && row.el !== p.el) return "no";
  let answer: "yes" | "maybe" = "yes";
  if (row.buildSince !== undefined) {
    if (p.build === null) answer = "maybe";
    else if (p.build < row.buildSince) return "no";
  }
  if (row.since !== undefined && atLeast(p.version, row.since)) return answer;
  if (row.approxSince !== undefined && atLeast(p.version, row.approxSince)) return "maybe";
  return row.since === undefined && row.approxSince === undefined ? answer : "no";
}

/** Every behaviour a kernel at this point may have: the product of the rows' choices. */
export function behavioursAt(p: KernelPoint): { behaviour: CrashkernelBehaviour; rows: ModelRow[] }[] {
  let partial: { behaviour: Partial<CrashkernelBehaviour>; rows: ModelRow[] }[] = [
    { behaviour: {}, rows: [] },
  ];
  for (const row of CRASHKERNEL_MODEL) {
    const a = applies(row, p);
    if (a === "no") continue;
    const sets = Array.isArray(row.set) ? row.set : [row.set as Partial<CrashkernelBehaviour>];
    const next: typeof partial = [];
    for (const s of partial) {
      if (a === "maybe") next.push(s);
      for (const set of sets) next.push({ behaviour: { ...s.behaviour, ...set }, rows: [...s.rows, row] });
    }
    partial = next;
  }
  return partial.map((s) => ({ behaviour: s.behaviour as CrashkernelBehaviour, rows: s.rows }));
}

/** Versions at which some row starts (or may start): one representative per era. */
function eraVersions(): KernelVersion[] {
  const out: KernelVersion[] = [[2, 6]];
  for (const row of CRASHKERNEL_MODEL) {
    if (row.since !== undefined) out.push(row.since);
    if (row.approxSince !== undefined) out.push(row.approxSince);
  }
  return out.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
}

/** Typical Enterprise Linux kernels: their base version and EL major (build unknown). */
const EL_POINTS: readonly [KernelVersion, number][] = [
  [[5, 14], 9],
  [[4, 18], 8],
  [[3, 10], 7],
  [[2, 6], 6],
];

const MEMO_LIMIT = 256;
const memo = new Map<string, ResolvedBehaviours>();

/**
 * The behaviours of the kernel `release` on `arch` according to CRASHKERNEL_MODEL. A known
 * release and arch give one behaviour, or a few where the table is not pinned; an unknown release
 * (or arch) gives every behaviour any kernel of the table has, the newest mainline one first.
 * Answers are memoised (a fleet runs few distinct kernels) and must not be mutated.
 */
export function resolveKernelBehaviour(release: string | null, arch: string | null): ResolvedBehaviours {
  const key = `${release ?? "\u0000"}\u0001${arch ?? "\u0000"}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const answer = resolveUncached(release, arch);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
  memo.set(key, answer);
  return answer;
}

function resolveUncached(release: string | null, arch: string | null): ResolvedBehaviours {
  const r = parseKernelRelease(release);
  const a = normalizeArch(arch);
  const arches: readonly KernelArch[] = a === null ? KERNEL_ARCHES : [a];
  const points: KernelPoint[] = [];
  for (const x of arches) {
    if (r !== null) {
      points.push({ arch: x, version: [r.major, r.minor], el: r.el, build: r.build });
      continue;
    }
    for (const v of eraVersions()) points.push({ arch: x, version: v, el: null, build: null });
    for (const [v, el] of EL_POINTS) points.push({ arch: x, version: v, el, build: null });
  }
  const seen = new Map<string, CrashkernelBehaviour>();
  let rows: ModelRow[] = [];
  for (const p of points) {
    for (const { behaviour, rows: applied } of behavioursAt(p)) {
      const key = JSON.stringify(behaviour, Object.keys(behaviour).sort());
      if (seen.size === 0) rows = applied;
      if (!seen.has(key)) seen.set(key, behaviour);
    }
  }
  return { candidates: [...seen.values()], rows, known: r !== null && a !== null };
}
