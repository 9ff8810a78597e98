/**
 * A small seeded generator (mulberry32), so that one `--seed` gives the same fleet every run: the
 * same hostnames, machine-ids, templates and RAM sizes. Not for anything secret.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A generator for one item of a seeded family (host `index` of fleet `seed`), independent of the others. */
export function derivedRandom(seed: number, index: number): Random {
  return seededRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** Picks a key with probability proportional to its weight (weights need not sum to 1). */
export function pickWeighted<K extends string>(
  random: Random,
  weights: Readonly<Partial<Record<K, number>>>,
): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let x = random() * total;
  for (const [key, w] of entries) {
    x -= w;
    if (x < 0) return key;
  }
  const last = entries.at(-1);
  if (last === undefined) throw new Error("pickWeighted with no weights");
  return last[0];
}

/** Hex digits from the generator: a 32-character machine-id (systemd format). */
export function randomHex(random: Random, length: number): string {
  let out = "";
  while (out.length < length)
    out += Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, length);
}
