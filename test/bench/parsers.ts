/**
 * `pnpm --filter @kdumpwatch/test bench:parsers`: the CPU cost per MiB of every text parser of
 * packages/core (found from its package index, as the linear-time unit test finds them), on a real
 * input repeated to 1 MiB and on the hostile 1 MiB shapes of that test; best of 3 runs each, in CPU
 * time of this process. Writes test/bench/results/parsers.json and the "Parser throughput per MiB"
 * section of BENCHMARKS.md (between its two markers).
 *
 *   pnpm --filter @kdumpwatch/test bench:parsers [--runs 3]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fill, HOSTILE_SHAPES, TEXT_PARSERS as PARSERS } from "@kdumpwatch/testkit/core";

const REPO = resolve(import.meta.dirname, "../..");
const BENCHMARKS_MD = join(REPO, "BENCHMARKS.md");
const BEGIN = "<!-- parsers:begin (test/bench/parsers.ts rewrites this part) -->";
const END = "<!-- parsers:end -->";
const MIB = 1 << 20;

const U2204 = "test/captures/ubuntu-2204-ready";
const RHEL9 = "test/captures/rhel-9-ready";
/** A real input of each parser (repeated to 1 MiB); parsers of one-value files read their first 4 KiB. */
const REAL: Record<string, string> = {
  parseDmesg: `${U2204}/sos_commands/kernel/dmesg`,
  filterRelevantDmesg: `${U2204}/sos_commands/kernel/dmesg`,
  stripDmesgPrefix: `${U2204}/sos_commands/kernel/dmesg`,
  parseIomem: `${U2204}/proc/iomem`,
  parseMeminfo: `${U2204}/proc/meminfo`,
  tokenizeCmdline: `${U2204}/proc/cmdline`,
  findCrashkernel: `${U2204}/proc/cmdline`,
  evaluateCrashkernel: `${U2204}/proc/cmdline`,
  parseKexecCrashSize: `${U2204}/sys/kernel/kexec_crash_size`,
  parseKexecCrashLoaded: `${U2204}/sys/kernel/kexec_crash_loaded`,
  parseSysfsFlag: `${U2204}/sys/kernel/kexec_crash_loaded`,
  parseLockdown: `${U2204}/sys/kernel/security/lockdown`,
  parseSysctlValue: `${U2204}/proc/sys/kernel/panic`,
  parseSysrq: `${U2204}/proc/sys/kernel/sysrq`,
  parseDefaultKdumpTools: `${U2204}/etc/default/kdump-tools`,
  parseShellAssignments: `${U2204}/etc/default/kdump-tools`,
  parseGrubDefaults: `${U2204}/etc/default/grub`,
  parseKdumpConfigShow: `${U2204}/sos_commands/kdump/kdump-config_show`,
  parseKdumpServiceJournal: `${U2204}/sos_commands/kdump/journalctl_-b_-u_kdump-tools`,
  parseDf: `${U2204}/sos_commands/filesys/df_-al_-x_autofs`,
  parseMokutilSbState: `${U2204}/sos_commands/boot/mokutil_--sb-state`,
  parseUname: `${U2204}/sos_commands/kernel/uname_-a`,
  parseOsRelease: `${U2204}/etc/os-release`,
  parseKdumpConf: `${RHEL9}/etc/kdump.conf`,
  parseSysconfigKdump: `${RHEL9}/etc/sysconfig/kdump`,
  parseKdumpctlStatus: `${RHEL9}/sos_commands/kdump/kdumpctl_status`,
  parseKdumpctlEstimate: `${RHEL9}/sos_commands/kdump/kdumpctl_estimate`,
  parseDumpListing: "packages/core/fixtures/other/var-crash-listing-two-dumps-blog.txt",
};

/** The shapes of the linear-time unit test, at 1 MiB. */
const HOSTILE: [string, string][] = HOSTILE_SHAPES.map(([name, make]) => [name, make(MIB)]);

function cpuMs(run: () => void, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    run();
    const d = process.cpuUsage(start);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

interface Row {
  parser: string;
  realInput: string | null;
  realMsPerMiB: number | null;
  worstShape: string;
  worstMsPerMiB: number;
  medianHostileMsPerMiB: number;
}

function measure(runs: number): Row[] {
  return PARSERS.map(([name, parse]) => {
    const file = REAL[name] ?? null;
    const real = file === null ? null : fill(readFileSync(join(REPO, file), "utf8"), MIB);
    const hostile = HOSTILE.map(([shape, text]) => [shape, cpuMs(() => parse(text), runs)] as const).sort(
      (a, b) => b[1] - a[1],
    );
    const worst = hostile[0] as readonly [string, number];
    return {
      parser: name,
      realInput: file,
      realMsPerMiB: real === null ? null : cpuMs(() => parse(real), runs),
      worstShape: worst[0],
      worstMsPerMiB: worst[1],
      medianHostileMsPerMiB: (hostile[Math.floor(hostile.length / 2)] as readonly [string, number])[1],
    };
  });
}

const ms = (v: number | null) => (v === null ? "—" : v < 10 ? v.toFixed(1) : v.toFixed(0));

function render(rows: Row[], runs: number): string {
  const git = (args: string[]) => execFileSync("git", args, { cwd: REPO, encoding: "utf8" }).trim();
  // what this script writes itself does not make the measured code "uncommitted work"
  const dirty = git(["status", "--porcelain", "--", ".", ":!BENCHMARKS.md", ":!test/bench/results"]) !== "";
  const lines = [
    BEGIN,
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} at commit \`${git(["rev-parse", "--short", "HEAD"])}\`${dirty ? " plus uncommitted work" : ""}, Node.js ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" / ")} at the end (the 2 cores are shared), with`,
    "",
    "```sh",
    `pnpm --filter @kdumpwatch/test bench:parsers --runs ${runs}`,
    "```",
    "",
    `CPU milliseconds per MiB of input (best of ${runs} runs, CPU time of the process, so other load inflates it less than wall-clock time). **real**: the named input repeated to 1 MiB; **hostile**: the seventeen 1 MiB shapes of \`packages/core/src/parsers/linear-time.test.ts\` (\`$(\`, quotes, backslashes, nested brackets, one huge line, CRLF, NUL, …), median and worst. That every parser's work grows linearly is asserted by that test, not here.`,
    "",
    "| parser | real input | ms / MiB real | ms / MiB hostile (median) | ms / MiB hostile (worst: shape) |",
    "|---|---|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| \`${r.parser}\` | ${r.realInput === null ? "—" : `\`${r.realInput.replace(/^test\/captures\//, "")}\``} | ${ms(r.realMsPerMiB)} | ${ms(r.medianHostileMsPerMiB)} | ${ms(r.worstMsPerMiB)} (${r.worstShape}) |`,
    ),
    "",
    END,
  ];
  return lines.join("\n");
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
  const runs = Math.max(1, Number(values.runs) || 3);
  const rows = measure(runs);
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  writeFileSync(join(import.meta.dirname, "results/parsers.json"), `${JSON.stringify(rows, null, 2)}\n`);
  const section = render(rows, runs);
  const md = readFileSync(BENCHMARKS_MD, "utf8");
  const begin = md.indexOf(BEGIN);
  const end = md.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? `${md.slice(0, begin)}${section}${md.slice(end + END.length)}`
      : `${md.trimEnd()}\n\n## Parser throughput per MiB\n\n${section}\n`;
  writeFileSync(BENCHMARKS_MD, next);
  console.log(section);
}

main();
