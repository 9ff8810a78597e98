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
                            [--state-dir DIR] [--root DIR] [--once] [--interval S] [--label K=V]…

Streams snapshots of this host (or a capture) to a kdumpwatch server over a WebSocket: one at
start, then whenever the evidence changes (checked every --interval seconds; SIGHUP checks at
once), with heartbeats in between. Reconnects by itself with jittered backoff; never exits on
server trouble.

  --server URL          the server's base URL (http:// or https://; the socket is /api/agent/ws)
  --enroll-token T      enrollment token, used once to obtain this host's own credential
  --state-dir DIR       where the credential is kept, mode 0600 (default /var/lib/kdumpwatch)
  --root DIR            report a capture directory instead of this host
  --interval S          seconds between collections (default 60)
  --once                send one snapshot, wait for the acknowledgement, exit
  --timeout S           how long --once waits (default 30)
  --config FILE         JSON settings file (default /etc/kdumpwatch/agent.json)
  --label NAME=VALUE    a host label (team, site, environment…) carried into alerts; repeatable

Settings: flags > environment (KDUMPWATCH_SERVER, KDUMPWATCH_ENROLL_TOKEN, KDUMPWATCH_STATE_DIR,
KDUMPWATCH_INTERVAL, KDUMPWATCH_LOG_LEVEL, KDUMPWATCH_LABELS="team=db,site=par1") > the config
file ("labels": {"team": "db"}); labels merge name by name in the same order. A token given as a flag is visible
in \`ps\`: prefer the config file or the environment on shared hosts.

Exit status: 0 stopped by a signal or --once acknowledged, 2 --once failed (refused token,
server unreachable, timeout), 64 bad configuration (the message names the setting), 70 internal.
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
