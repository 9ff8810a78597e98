/**
 * The few ECMAScript library features newer than Node 10.19 (V8 6.8) that the agent, core, protocol
 * and zod use, installed ONLY where they are missing and as ECMA-262 specifies them, so the bundle
 * judges a host the same on Node 10.19 as on Node 20. Syntax is lowered by esbuild (build.mjs,
 * target node10.19); library calls cannot be, hence this file. The runtime audit
 * (runtime-audit.test.ts) fails on any newer feature that is not one of LEGACY_BUILTINS.
 *
 * Also: Array.prototype.sort is stable only from V8 7.0 (Node 11). Before that, arrays of more than
 * ten elements were quicksorted and equal elements could come out in another order, which would
 * reorder evidence and dump listings. On V8 < 7 sort is made stable by decorating each element with
 * its index (ECMA-262 2019 requires a stable sort).
 */

type Callback = (value: unknown, index: number, array: unknown[]) => unknown;

function relativeIndex(length: number, index: unknown): number {
  const n = Math.trunc(Number(index)) || 0;
  return n < 0 ? length + n : n;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Each feature: where it goes, and its implementation (`this` is the receiver, as for the built-in). */
export const LEGACY_IMPLEMENTATIONS = {
  "Object.fromEntries": (entries: Iterable<readonly [PropertyKey, unknown]>) => {
    const out: Record<PropertyKey, unknown> = {};
    for (const [key, value] of entries) out[key] = value;
    return out;
  },
  "Array.prototype.at": function (this: unknown[], index: number) {
    const i = relativeIndex(this.length, index);
    return i < 0 || i >= this.length ? undefined : this[i];
  },
  "Array.prototype.findLast": function (this: unknown[], test: Callback, self?: unknown) {
    for (let i = this.length - 1; i >= 0; i--) if (test.call(self, this[i], i, this)) return this[i];
    return undefined;
  },
  "Array.prototype.flatMap": function (this: unknown[], fn: Callback, self?: unknown) {
    const out: unknown[] = [];
    for (let i = 0; i < this.length; i++) {
      if (!(i in this)) continue;
      const mapped = fn.call(self, this[i], i, this);
      if (Array.isArray(mapped)) for (const item of mapped) out.push(item);
      else out.push(mapped);
    }
    return out;
  },
  "String.prototype.replaceAll": function (this: string, search: string | RegExp, replacement: string) {
    if (search instanceof RegExp) {
      if (search.flags.indexOf("g") === -1) {
        throw new TypeError("replaceAll must be called with a global RegExp");
      }
      return String(this).replace(search, replacement);
    }
    return String(this).replace(new RegExp(escapeRegExp(String(search)), "g"), replacement);
  },
} as const;

/** What is filled in when missing; the runtime audit allows exactly these. */
export const LEGACY_BUILTINS: readonly string[] = ["globalThis", ...Object.keys(LEGACY_IMPLEMENTATIONS)];

export function installLegacyBuiltins(g: typeof global = global): void {
  if (!("globalThis" in g)) {
    Object.defineProperty(g, "globalThis", { value: g, writable: true, configurable: true });
  }
  const owners: Record<string, object> = {
    Object,
    "Array.prototype": Array.prototype,
    "String.prototype": String.prototype,
  };
  for (const [feature, value] of Object.entries(LEGACY_IMPLEMENTATIONS)) {
    const dot = feature.lastIndexOf(".");
    const owner = owners[feature.slice(0, dot)] as object;
    const name = feature.slice(dot + 1);
    if (name in owner) continue;
    Object.defineProperty(owner, name, { value, writable: true, configurable: true, enumerable: false });
  }
  if (Number((process.versions.v8 ?? "0").split(".")[0]) < 7) {
    Object.defineProperty(Array.prototype, "sort", {
      value: stableSort(Array.prototype.sort),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

const byDefault = (a: unknown, b: unknown): number => {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** A stable `sort` built on an unstable one: ties are broken by the original index. */
export function stableSort(nativeSort: typeof Array.prototype.sort) {
  return function sort(this: unknown[], compare?: (a: unknown, b: unknown) => number): unknown[] {
    const decorated: Array<{ v: unknown; i: number }> = [];
    for (let i = 0; i < this.length; i++) if (i in this) decorated.push({ v: this[i], i });
    nativeSort.call(decorated, (a: { v: unknown; i: number }, b: { v: unknown; i: number }) => {
      // undefined goes last and never reaches the comparator, as in the built-in
      if (a.v === undefined || b.v === undefined || compare === undefined) {
        return byDefault(a.v, b.v) || a.i - b.i;
      }
      return compare(a.v, b.v) || a.i - b.i;
    });
    const length = this.length;
    for (let i = 0; i < decorated.length; i++) this[i] = (decorated[i] as { v: unknown }).v;
    for (let i = decorated.length; i < length; i++) delete this[i];
    return this;
  };
}
