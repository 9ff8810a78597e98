/**
 * The simulated fleet is built from the capture directories in test/captures (product.md §3): each
 * one is read ONCE through the agent's own collector (`collectSnapshot({ root })`, as
 * `kdumpwatch-agent collect --root` does), then turned into a few *variants* that a real host goes
 * through — kdump unloaded after a kernel update, crashkernel= dropped from the command line,
 * evidence unreadable — and a few RAM sizes. Every variant is judged here with core's own
 * `judgeSnapshot` (what the server runs), so the simulator knows each host's verdict exactly.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { collectSnapshot } from "@kdumpwatch/agent";
import {
  type CheckResult,
  judgeSnapshot,
  type Snapshot,
  type SourceResult,
  type Verdict,
} from "@kdumpwatch/core";
import type { SnapshotPayload } from "@kdumpwatch/protocol";

export type Sources = SnapshotPayload["sources"];

const MUTATIONS = ["none", "kdump-unloaded", "crashkernel-dropped", "evidence-unreadable"] as const;
type Mutation = (typeof MUTATIONS)[number];

/** Extra RAM (GiB) a host may have on top of its capture's; kept only where no judgement changes. */
const EXTRA_RAM_GIB = [0, 4, 12, 28, 60, 124, 252] as const;

interface Variant {
  mutation: Mutation;
  verdict: Verdict;
  sources: Sources;
}

/**
 * Everyday changes of evidence that alter no judgement but are real changes to the agent (its
 * change detector ignores MemFree and small df moves, apps/agent hash.ts): `kernel.panic` set to
 * another timeout by configuration management; the dump file system filling or draining by ±5–10 %.
 */
const BENIGN_EDITS = [
  { kind: "none", value: 0 },
  { kind: "panic", value: 10 },
  { kind: "panic", value: 30 },
  { kind: "panic", value: 60 },
  { kind: "df", value: 0.9 },
  { kind: "df", value: 0.95 },
  { kind: "df", value: 1.05 },
  { kind: "df", value: 1.1 },
] as const;

export interface Template {
  name: string;
  /** verdict in the capture's expected.json (the simulator trusts core's judgement of the variants) */
  expected: Verdict;
  variants: Variant[];
  /** EXTRA_RAM_GIB values that leave every variant's verdict and checks as they are */
  extraRamGib: number[];
  /** indexes into BENIGN_EDITS that leave every variant's judgement as it is (always includes 0) */
  benign: number[];
}

const GIB = 1024 ** 3;

/** Reads every capture directory below `dir` that has an expected.json, and judges its variants. */
export async function loadTemplates(dir: string, now = new Date()): Promise<Template[]> {
  const names = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .filter((name) => {
      try {
        return statSync(join(dir, name, "expected.json")).isFile();
      } catch {
        return false;
      }
    })
    .sort();
  if (names.length === 0) throw new Error(`no capture directories with an expected.json in ${dir}`);
  const templates: Template[] = [];
  for (const name of names) {
    const root = join(dir, name);
    const expected = (JSON.parse(readFileSync(join(root, "expected.json"), "utf8")) as { verdict: Verdict })
      .verdict;
    const collected = await collectSnapshot({ root, now: () => now });
    const base = definedSources(collected.sources);
    templates.push(buildTemplate(name, expected, base, now));
  }
  return templates;
}

function definedSources(sources: Snapshot["sources"]): Sources {
  const out: Sources = {};
  for (const [id, result] of Object.entries(sources)) if (result !== undefined) out[id] = result;
  return out;
}

function judgeSources(sources: Sources, now: Date): { verdict: Verdict; checks: CheckResult[] } {
  const judged = judgeSnapshot(
    { sources: sources as Snapshot["sources"], collectedAt: now.toISOString() },
    now,
  );
  return { verdict: judged.verdict, checks: judged.checks };
}

/** What a RAM change must not alter: the verdict and each check's status. */
function judgementKey(sources: Sources, now: Date): string {
  const { verdict, checks } = judgeSources(sources, now);
  return `${verdict}|${checks.map((c) => `${c.id}=${c.status}`).join(",")}`;
}

function buildTemplate(name: string, expected: Verdict, base: Sources, now: Date): Template {
  const variants: Variant[] = [];
  const keys = new Map<Mutation, string>();
  for (const mutation of MUTATIONS) {
    const sources = mutate(base, mutation);
    const { verdict } = judgeSources(sources, now);
    // a mutation that changes nothing the judge sees is not a variant of its own
    const key = judgementKey(sources, now);
    if (mutation !== "none" && [...keys.values()].includes(key)) continue;
    keys.set(mutation, key);
    variants.push({ mutation, verdict, sources });
  }
  const extraRamGib = EXTRA_RAM_GIB.filter(
    (gib) =>
      gib === 0 ||
      variants.every((v) => judgementKey(withRam(v.sources, gib, 0), now) === keys.get(v.mutation)),
  );
  const benign = BENIGN_EDITS.map((_, i) => i).filter((i) => {
    if (i === 0) return true;
    return variants.every((v) => {
      const edited = applyBenign(v.sources, i);
      return edited !== v.sources && judgementKey(edited, now) === keys.get(v.mutation);
    });
  });
  return { name, expected, variants, extraRamGib, benign };
}

const ok = (text: string, via?: string): SourceResult =>
  via === undefined ? { ok: true, text } : { ok: true, text, via };
const textOf = (sources: Sources, id: string): string | null => {
  const r = sources[id];
  return r?.ok ? r.text : null;
};
const via = (sources: Sources, id: string): string | undefined => sources[id]?.via;

function replaceText(sources: Sources, id: string, edit: (text: string) => string): void {
  const text = textOf(sources, id);
  if (text !== null) sources[id] = ok(edit(text), via(sources, id));
}

/** The evidence of the same host after something went wrong (or, for "none", as captured). */
function mutate(base: Sources, mutation: Mutation): Sources {
  const s: Sources = { ...base };
  const notReady = (text: string) =>
    text
      .replace(/^current state:.*$/m, "current state:    Not ready to kdump")
      .replace(/Kdump is operational/g, "Kdump is not operational");
  switch (mutation) {
    case "none":
      break;
    case "kdump-unloaded":
      // e.g. the kdump service failed after a kernel update: memory reserved, nothing loaded
      replaceText(s, "kexec_crash_loaded", () => "0\n");
      replaceText(s, "kdump_config_show", notReady);
      replaceText(s, "kdumpctl_status", notReady);
      break;
    case "crashkernel-dropped":
      // a bootloader change lost crashkernel=: nothing reserved, nothing loaded
      replaceText(s, "cmdline", (t) => t.replace(/\s*\bcrashkernel=\S+/g, ""));
      replaceText(s, "kexec_crash_size", () => "0\n");
      replaceText(s, "kexec_crash_loaded", () => "0\n");
      replaceText(s, "iomem", (t) => dropLines(t, /Crash kernel/));
      replaceText(s, "dmesg", (t) => dropLines(t, /crashkernel|crash kernel|Crash kernel/));
      replaceText(s, "kdump_config_show", notReady);
      replaceText(s, "kdumpctl_status", notReady);
      break;
    case "evidence-unreadable":
      // the agent lost its privileges: the kernel's own answers are unreadable
      for (const id of ["kexec_crash_loaded", "kexec_crash_size", "dmesg", "iomem"]) {
        if (s[id] === undefined) continue;
        const detail = `${via(s, id) ?? id}: permission denied`;
        s[id] = { ok: false, error: "permission", detail };
      }
      break;
  }
  return s;
}

function dropLines(text: string, pattern: RegExp): string {
  return text
    .split("\n")
    .filter((line) => !pattern.test(line))
    .join("\n");
}

/**
 * The same host with `extraGib` more memory: one more System RAM range above the highest address in
 * /proc/iomem, MemTotal/MemFree grown to match; `memFreeDeltaKb` moves MemFree (a benign change).
 */
export function withRam(sources: Sources, extraGib: number, memFreeDeltaKb: number): Sources {
  if (extraGib === 0 && memFreeDeltaKb === 0) return sources;
  const s: Sources = { ...sources };
  const extraKb = extraGib * 1024 * 1024;
  if (extraGib > 0) replaceText(s, "iomem", (t) => addRamRange(t, extraGib * GIB));
  replaceText(s, "meminfo", (t) =>
    t
      .replace(
        /^(MemTotal:\s*)(\d+)( kB)$/m,
        (_m, a: string, n: string, b: string) => `${a}${Number(n) + extraKb}${b}`,
      )
      .replace(
        /^(MemFree:\s*)(\d+)( kB)$/m,
        (_m, a: string, n: string, b: string) =>
          `${a}${Math.max(0, Number(n) + extraKb + memFreeDeltaKb)}${b}`,
      ),
  );
  return s;
}

function addRamRange(iomem: string, bytes: number): string {
  let top = 0n;
  for (const m of iomem.matchAll(/^([0-9a-f]+)-([0-9a-f]+) : /gm)) {
    const end = BigInt(`0x${m[2]}`);
    if (end > top) top = end;
  }
  // addresses read as zeros without CAP_SYS_ADMIN: the sizes are unknown anyway
  if (top === 0n) return iomem;
  const align = BigInt(GIB);
  const start = ((top + align) / align) * align;
  const end = start + BigInt(bytes) - 1n;
  const hex = (n: bigint) => n.toString(16).padStart(8, "0");
  return `${iomem.replace(/\n?$/, "\n")}${hex(start)}-${hex(end)} : System RAM\n`;
}

/** The sources with BENIGN_EDITS[index] applied; the same object when the edit does not apply. */
export function applyBenign(sources: Sources, index: number): Sources {
  const edit = BENIGN_EDITS[index];
  if (edit === undefined || edit.kind === "none") return sources;
  const id = edit.kind === "panic" ? "sysctl.kernel.panic" : "df_dump_dir";
  const text = textOf(sources, id);
  if (text === null) return sources;
  const next = edit.kind === "panic" ? `${edit.value}\n` : scaleDf(text, edit.value);
  if (next === text) return sources;
  return { ...sources, [id]: ok(next, via(sources, id)) };
}

/** `df -P -k`: Used scaled by `factor` on every real file system, Available and Use% to match. */
function scaleDf(text: string, factor: number): string {
  return text.replace(
    /^(\S+\s+)(\d+)(\s+)(\d+)(\s+)(\d+)(\s+)(\d+)%/gm,
    (line, fs: string, total: string, s1: string, used: string, s2: string, _avail: string, s3: string) => {
      const size = Number(total);
      if (size === 0) return line;
      const nowUsed = Math.min(size, Math.round(Number(used) * factor));
      const pct = Math.ceil((nowUsed / size) * 100);
      return `${fs}${total}${s1}${nowUsed}${s2}${size - nowUsed}${s3}${pct}%`;
    },
  );
}
