import type { CliCommand, CliExit, CliProgram } from "@kdumpwatch/cli";
import { AGENT_VERSION } from "./version.ts";

/**
 * THE definition of `kdumpwatch-agent`'s command line: the parser (args.ts, run-config.ts), `--help`
 * and the manual pages (build.mjs → dist/man/*.8) all come from it.
 */

const VERDICT_EXITS: readonly CliExit[] = [
  { code: 0, meaning: "ready" },
  { code: 1, meaning: "at_risk" },
  { code: 2, meaning: "not_ready" },
  { code: 3, meaning: "unknown" },
];
const COMMON_EXITS: readonly CliExit[] = [
  { code: 64, meaning: "usage error (bad option, --root not a directory, --out not empty)" },
  { code: 70, meaning: "internal error, or a Node.js older than 10.19 (one line on stderr)" },
];

const root = {
  name: "root",
  value: "DIR",
  help:
    "read a capture directory instead of this host: files at their real paths below DIR (proc/cmdline, " +
    "etc/default/kdump-tools, ...), command outputs at their sos report names " +
    "(sos_commands/kdump/kdump-config_show, ...); an extracted sos report is a capture",
} as const;

const CHECK_COMMAND: CliCommand = {
  name: "check",
  summary: "judge whether this host (or a capture) can capture a kernel crash dump",
  description: [
    "Reads the kdump evidence of this host (kernel command line, reservation, kdump tooling, kernel log, " +
      "sysctls, dump directory) and judges it: the verdict first, then every check that does not pass, " +
      "with the lines it rests on and the commands that fix it.",
    "Run it as root: without root /proc/iomem reads as zeros and dmesg may be refused; the check then " +
      "says so (collection.complete) instead of guessing.",
    "Given --root more than once, it judges each capture in turn in one process: a report per root under " +
      "a heading naming it, then a tally. A root that cannot be read is named on stderr and the others are " +
      "still judged. The exit status is then the worst of the roots' own: 64 if a root could not be read, " +
      "else 2 if any is not_ready, else 3 if any is unknown, else 1 if any is at_risk, else 0.",
  ],
  options: [
    {
      ...root,
      repeatable: true,
      help: `${root.help}; give it more than once to judge several captures in turn`,
    },
    {
      name: "json",
      help:
        "print one JSON object { verdict, checks, facts } instead of text; with several --root, one JSON " +
        'array of { "root", "exitCode", "report" } (that object), or { "root", "exitCode": 64, "error" } ' +
        "for a root that cannot be read",
    },
  ],
  exits: [...VERDICT_EXITS, ...COMMON_EXITS],
  examples: [
    ["sudo kdumpwatch-agent check", "judge this host"],
    ["kdumpwatch-agent check --root /tmp/sosreport-host1 --json", "judge an extracted sos report, as JSON"],
    [
      "kdumpwatch-agent check --root /srv/sos/host1 --root /srv/sos/host2",
      "judge two sos reports, each under a '==> DIR <==' heading",
    ],
  ],
};

const COLLECT_COMMAND: CliCommand = {
  name: "collect",
  summary: "print the raw kdump evidence as JSON, or write it as a capture directory",
  description: [
    "Reads every source without judging it. With --out it writes a capture directory that " +
      "'kdumpwatch-agent check --root DIR' judges exactly as check judges this host.",
  ],
  options: [
    root,
    {
      name: "out",
      value: "DIR",
      help: "write a capture directory (absent or empty) instead of printing JSON",
    },
  ],
  exits: [
    { code: 0, meaning: "done (unreadable sources are recorded, not fatal)" },
    ...COMMON_EXITS,
    { code: 73, meaning: "the capture directory cannot be created or written" },
  ],
};

export const RUN_COMMAND: CliCommand = {
  name: "run",
  summary: "stream this host's kdump evidence to a kdumpwatch server",
  description: [
    "Streams snapshots of this host (or a capture) to a kdumpwatch server over a WebSocket: one at start, " +
      "then whenever the evidence changes (checked every --interval seconds; SIGHUP checks at once), with " +
      "heartbeats in between. Reconnects by itself with jittered backoff; never exits on server trouble.",
    "Settings: flags, then the environment, then the configuration file. A token given as a flag is " +
      "visible in ps: prefer the configuration file (mode 0600) or the environment on shared hosts. " +
      "KDUMPWATCH_LOG_LEVEL (debug, info, warn, error) sets how much is logged, as logfmt lines on stderr.",
  ],
  options: [
    {
      name: "server",
      value: "URL",
      env: "KDUMPWATCH_SERVER",
      help: "the server's base URL, http:// or https:// (the socket is /api/agent/ws)",
    },
    {
      name: "enroll-token",
      value: "TOKEN",
      env: "KDUMPWATCH_ENROLL_TOKEN",
      help: "enrollment token, used once to obtain this host's own credential",
    },
    {
      name: "state-dir",
      value: "DIR",
      env: "KDUMPWATCH_STATE_DIR",
      default: "/var/lib/kdumpwatch",
      help: "where the host credential and enroll key are kept, mode 0600",
    },
    { name: "root", value: "DIR", help: "report a capture directory instead of this host" },
    {
      name: "interval",
      value: "SECONDS",
      env: "KDUMPWATCH_INTERVAL",
      default: "60",
      help: "seconds between collections",
    },
    { name: "once", help: "send one snapshot, wait for the acknowledgement, exit" },
    { name: "timeout", value: "SECONDS", default: "30", help: "how long --once waits" },
    {
      name: "config",
      value: "FILE",
      default: "/etc/kdumpwatch/agent.json",
      help: 'JSON settings file: { "server", "enrollToken", "stateDir", "interval", "logLevel", "labels" }',
    },
    {
      name: "label",
      value: "NAME=VALUE",
      env: "KDUMPWATCH_LABELS",
      repeatable: true,
      help:
        "a host label (team, site, environment…) carried into alerts, filters and exports; repeatable, " +
        'or comma-separated; merged name by name over KDUMPWATCH_LABELS and "labels" in the file',
    },
  ],
  exits: [
    { code: 0, meaning: "stopped by a signal, or --once acknowledged" },
    { code: 2, meaning: "--once failed (refused token, server unreachable, timeout)" },
    { code: 64, meaning: "bad configuration (the message names the setting)" },
    { code: 70, meaning: "internal error" },
  ],
  examples: [
    [
      "kdumpwatch-agent run --server https://kdumpwatch.example.net --enroll-token T --once",
      "enroll this host and send one snapshot",
    ],
  ],
};

export const AGENT_PROGRAM: CliProgram = {
  name: "kdumpwatch-agent",
  version: AGENT_VERSION,
  section: "8",
  summary: "can this host capture a kernel crash dump right now?",
  description: [
    "kdumpwatch-agent reads a host's kdump evidence through one table of sources, judges it locally " +
      "(check), prints or writes it raw (collect), or streams it to a kdumpwatch server (run). It is one " +
      "JavaScript file for Node.js 10.19 or later and needs nothing else.",
    "Run it as root: /proc/iomem, dmesg and the kdump tools need it.",
  ],
  commands: [CHECK_COMMAND, COLLECT_COMMAND, RUN_COMMAND],
  exits: [
    ...VERDICT_EXITS.map((e) => ({ code: e.code, meaning: `check: ${e.meaning}` })),
    ...COMMON_EXITS,
    { code: 73, meaning: "collect --out cannot write the capture" },
  ],
  files: [
    ["/etc/kdumpwatch/agent.json", "run's settings (server URL, enrollment token), mode 0600"],
    ["/var/lib/kdumpwatch/", "run's state: this host's credential, mode 0600"],
  ],
  seeAlso: ["kdumpctl(8)", "kdump-config(8)", "systemctl(1)"],
  source: `kdumpwatch ${AGENT_VERSION}`,
};
