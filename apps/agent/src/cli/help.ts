import { AGENT_VERSION } from "./version.ts";

const MAIN = `kdumpwatch-agent ${AGENT_VERSION}: can this host capture a kernel crash dump right now?

Usage:
  kdumpwatch-agent check   [--root DIR] [--json]   judge this host (or a capture directory)
  kdumpwatch-agent collect [--root DIR] [--out DIR] print the raw evidence as JSON, or write a capture
  kdumpwatch-agent run --server URL ...             stream snapshots to a kdumpwatch server
  kdumpwatch-agent help [check|collect|run]
  kdumpwatch-agent --version

Exit status of check: 0 ready, 1 at_risk, 2 not_ready, 3 unknown;
64 usage error, 70 internal error, 73 cannot write the capture.
Run as root: /proc/iomem, dmesg and the kdump tools need it.
`;

const CHECK = `Usage: kdumpwatch-agent check [--root DIR] [--json]

Reads the kdump evidence of this host (kernel command line, reservation, kdump tooling, kernel
log, sysctls, dump directory) and judges it: verdict first, then every check that does not pass,
with the lines it rests on and the commands that fix it.

  --root DIR   judge a capture directory instead of this host: files at their real paths below
               DIR (proc/cmdline, etc/default/kdump-tools, ...), command outputs at their sos
               report names (sos_commands/kdump/kdump-config_show, ...). An extracted sos report
               is a capture.
  --json       print one JSON object { verdict, checks, facts } instead of text

Exit status: 0 ready, 1 at_risk, 2 not_ready, 3 unknown, 64 usage error, 70 internal error.
`;

const COLLECT = `Usage: kdumpwatch-agent collect [--root DIR] [--out DIR]

Reads every source without judging it.

  --root DIR   read a capture directory instead of this host
  --out DIR    write a capture directory (must be absent or empty) instead of printing JSON;
               \`check --root DIR\` on it judges what \`check\` judges here

Exit status: 0 done, 64 usage error, 70 internal error, 73 cannot write the capture.
`;

const RUN = `Usage: kdumpwatch-agent run --server URL (--enroll-token T | --state-dir DIR holding a credential)
                            [--state-dir DIR] [--root DIR] [--once] [--interval S]

Streams snapshots of this host (or a capture) to a kdumpwatch server over a WebSocket.
`;

export function helpText(topic: "check" | "collect" | "run" | null): string {
  switch (topic) {
    case "check":
      return CHECK;
    case "collect":
      return COLLECT;
    case "run":
      return RUN;
    case null:
      return MAIN;
  }
}
