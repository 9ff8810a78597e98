/**
 * One simulated host: who it is (hostname, machine-id, RAM, source address — all derived from the
 * fleet seed and its index, so a seed always gives the same fleet), which template and variant its
 * evidence currently comes from, and the changes that happen to it. `collect()` is what the agent's
 * collector would return on that host right now.
 */
import type { Verdict } from "@kdumpwatch/core";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { derivedRandom, pick, pickWeighted, type Random, randomHex } from "./rng.ts";
import { applyBenign, type Sources, type Template, withRam } from "./templates.ts";

export interface HostPlan {
  index: number;
  hostname: string;
  machineId: string;
  template: number;
  /** the variant the host normally is in; incidents move it away and recoveries bring it back */
  home: number;
  extraRamGib: number;
}

const SITES = ["fra1", "ams2", "iad1", "sfo3", "sgp1", "lon1"] as const;
const ROLES = { web: 5, app: 6, db: 2, cache: 2, k8s: 8, build: 1, batch: 2, storage: 1 } as const;

/** The whole fleet's verdict mix is reached by choosing each host's home variant by verdict first. */
export function planHost(
  seed: number,
  index: number,
  templates: readonly Template[],
  mix: Record<Verdict, number>,
): HostPlan {
  const random = derivedRandom(seed, index);
  const byVerdict = new Map<Verdict, [number, number][]>();
  templates.forEach((t, ti) => {
    t.variants.forEach((v, vi) => {
      const list = byVerdict.get(v.verdict) ?? [];
      list.push([ti, vi]);
      byVerdict.set(v.verdict, list);
    });
  });
  const available: Partial<Record<Verdict, number>> = {};
  for (const [verdict, weight] of Object.entries(mix) as [Verdict, number][]) {
    if (weight > 0 && byVerdict.has(verdict)) available[verdict] = weight;
  }
  if (Object.keys(available).length === 0)
    throw new Error("no capture variant has a verdict of the requested mix");
  const verdict = pickWeighted(random, available);
  // a capture first (each equally likely), then its variant: the captured state if it has that verdict
  const template = pick(random, [...new Set((byVerdict.get(verdict) ?? []).map(([ti]) => ti))]);
  const candidates = (byVerdict.get(verdict) ?? []).filter(([ti]) => ti === template).map(([, vi]) => vi);
  const home = candidates.includes(0) ? 0 : pick(random, candidates);
  const site = pick(random, SITES);
  const role = pickWeighted(random, ROLES);
  const t = templates[template];
  if (t === undefined) throw new Error("template index out of range");
  return {
    index,
    hostname: `${role}-${String(index).padStart(5, "0")}.${site}.sim.example`,
    machineId: randomHex(random, 32),
    template,
    home,
    extraRamGib: pick(random, t.extraRamGib),
  };
}

export type ChangeKind = "benign" | "verdict";

/**
 * Of a host's changes, this share is an incident (at home) or a recovery (away); the rest only
 * touch evidence. About 1 host in 11 is away from home at any time, so the mix stays near `--mix`.
 */
const INCIDENT_SHARE = 0.05;
const RECOVERY_SHARE = 0.5;

export class SimHost {
  readonly plan: HostPlan;
  readonly #template: Template;
  #variant: number;
  #memFreeDeltaKb = 0;
  /** index into BENIGN_EDITS, one of the template's `benign` */
  #benign = 0;
  #sources: Sources | null = null;
  /** bumps on every change; `collectedVersion` is the version the last collection saw */
  version = 0;
  collectedVersion = -1;

  constructor(plan: HostPlan, templates: readonly Template[]) {
    const template = templates[plan.template];
    if (template === undefined) throw new Error(`no template ${plan.template}`);
    this.plan = plan;
    this.#template = template;
    this.#variant = plan.home;
  }

  get verdict(): Verdict {
    return this.#variantOf(this.#variant).verdict;
  }

  get templateName(): string {
    return this.#template.name;
  }

  #variantOf(index: number) {
    const v = this.#template.variants[index];
    if (v === undefined) throw new Error(`${this.#template.name} has no variant ${index}`);
    return v;
  }

  /** What the agent's collector returns on this host now. */
  collect(now: Date): SnapshotPayload {
    this.collectedVersion = this.version;
    this.#sources ??= this.#build();
    return { sources: this.#sources, collectedAt: now.toISOString() };
  }

  #build(): Sources {
    const variant = this.#variantOf(this.#variant).sources;
    const base = withRam(applyBenign(variant, this.#benign), this.plan.extraRamGib, this.#memFreeDeltaKb);
    return {
      ...base,
      hostname: { ok: true, text: `${this.plan.hostname}\n`, via: "/etc/hostname" },
      machine_id: { ok: true, text: `${this.plan.machineId}\n`, via: "/etc/machine-id" },
    };
  }

  /**
   * Something happened on the host. A verdict change is an incident (home → another variant of the
   * same capture, e.g. kdump unloaded) or its recovery (back home); other changes move MemFree.
   */
  change(random: Random): ChangeKind {
    this.version++;
    this.#sources = null;
    const others = this.#template.variants
      .map((v, i) => [v, i] as const)
      .filter(([v, i]) => i !== this.#variant && v.verdict !== this.verdict);
    const atHome = this.#variant === this.plan.home;
    if (random() < (atHome ? INCIDENT_SHARE : RECOVERY_SHARE) && others.length > 0) {
      // away from home, the only way is back (a recovery); at home, an incident
      this.#variant = atHome ? pick(random, others)[1] : this.plan.home;
      return "verdict";
    }
    // MemFree moves on every read (the agent's change detector ignores it); the benign edit is the change
    this.#memFreeDeltaKb = Math.floor((random() - 0.5) * 512 * 1024);
    const choices = this.#template.benign.filter((i) => i !== this.#benign);
    if (choices.length > 0) this.#benign = pick(random, choices);
    return "benign";
  }
}
