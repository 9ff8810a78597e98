#!/bin/sh
# Installs the kdumpwatch agent on this host: the one-file bundle, /etc/kdumpwatch/agent.json (0600)
# and the hardened systemd unit, then enables and (re)starts it. Safe to run again: it only changes
# what differs. Without systemd (containers, chroots) it installs the files and says how to start.
#
#   sudo ./install-agent.sh --server https://kdumpwatch.example.net --enroll-token "$TOKEN"
#   KDUMPWATCH_ENROLL_TOKEN=... sudo -E ./install-agent.sh --server https://kdumpwatch.example.net
#   ./install-agent.sh --destdir /tmp/stage --server http://127.0.0.1:8080 --enroll-token t   # test
set -eu

PROG=install-agent.sh
MIN_NODE=10.19
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  cat <<EOF
Usage: $PROG --server URL [--enroll-token TOKEN | --enroll-token-file FILE] [options]

  --server URL              kdumpwatch server base URL (http:// or https://)
  --enroll-token TOKEN      enrollment token (or KDUMPWATCH_ENROLL_TOKEN in the environment;
                            a token on the command line is visible to other users in ps)
  --enroll-token-file FILE  read the enrollment token from FILE
  --interval SECONDS        collection interval (default: the agent's, 60)
  --bundle FILE             agent bundle (default: next to this script, else apps/agent/dist)
  --destdir DIR             install below DIR instead of / (packaging, tests); systemctl is skipped
  --no-start                install and enable, but do not (re)start the service
  -h, --help                this help
EOF
}

die() {
  echo "$PROG: $*" >&2
  exit 1
}
say() { echo "$PROG: $*"; }

server="" token="${KDUMPWATCH_ENROLL_TOKEN:-}" interval="" bundle="" destdir="${DESTDIR:-}" start=yes
while [ $# -gt 0 ]; do
  case "$1" in
  --server) [ $# -ge 2 ] || die "--server needs a URL"; server=$2; shift 2 ;;
  --enroll-token) [ $# -ge 2 ] || die "--enroll-token needs a value"; token=$2; shift 2 ;;
  --enroll-token-file)
    [ $# -ge 2 ] || die "--enroll-token-file needs a file"
    [ -r "$2" ] || die "--enroll-token-file: cannot read $2"
    token=$(head -n 1 "$2" | tr -d '\r\n'); shift 2 ;;
  --interval) [ $# -ge 2 ] || die "--interval needs seconds"; interval=$2; shift 2 ;;
  --bundle) [ $# -ge 2 ] || die "--bundle needs a file"; bundle=$2; shift 2 ;;
  --destdir) [ $# -ge 2 ] || die "--destdir needs a directory"; destdir=$2; shift 2 ;;
  --no-start) start=no; shift ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# --- checks first: nothing is touched unless all of them pass ---
command -v node >/dev/null 2>&1 ||
  die "Node.js is not installed; the agent needs node >= $MIN_NODE (Debian/Ubuntu: apt-get install nodejs)"
node_version=$(node -p 'process.versions.node' 2>/dev/null) || die "'node' is on PATH but does not run"
node_major=${node_version%%.*}
node_minor=${node_version#*.}
node_minor=${node_minor%%.*}
case "$node_major.$node_minor" in *[!0-9.]* | .* | *.) die "cannot tell the Node.js version from '$node_version'" ;; esac
if [ "$node_major" -lt 10 ] || { [ "$node_major" -eq 10 ] && [ "$node_minor" -lt 19 ]; }; then
  die "Node.js $node_version is too old; the agent needs node >= $MIN_NODE"
fi

[ -n "$server" ] || { usage >&2; die "--server is required"; }
case "$server" in
http://?* | https://?*) ;;
*) die "--server: '$server' is not an http:// or https:// URL" ;;
esac
case "$interval" in '' | *[!0-9]*) [ -z "$interval" ] || die "--interval: '$interval' is not a whole number of seconds" ;; esac

if [ -z "$bundle" ]; then
  for candidate in "$here/kdumpwatch-agent.cjs" "$here/../apps/agent/dist/kdumpwatch-agent.cjs"; do
    if [ -f "$candidate" ]; then bundle=$candidate; break; fi
  done
fi
if [ -z "$bundle" ] || [ ! -f "$bundle" ]; then
  die "agent bundle not found (build it with 'pnpm --filter @kdumpwatch/agent build' or pass --bundle FILE)"
fi
agent_version=$(node "$bundle" --version 2>/dev/null) || die "$bundle does not run with node $node_version"

unit_src="$here/systemd/kdumpwatch-agent.service"
[ -f "$unit_src" ] || die "unit file not found: $unit_src"

if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root (or use --destdir DIR to stage the files elsewhere)"
fi

lib_dir="$destdir/usr/lib/kdumpwatch"
etc_dir="$destdir/etc/kdumpwatch"
unit_dir="$destdir/etc/systemd/system"
config="$etc_dir/agent.json"
changed=no

# install FILE into place with MODE if it differs; sets changed=yes when it did
place() { # src dst mode
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    chmod "$3" "$2"
    return 0
  fi
  mkdir -p "$(dirname "$2")"
  tmp="$2.tmp.$$"
  cp "$1" "$tmp"
  chmod "$3" "$tmp"
  mv -f "$tmp" "$2"
  changed=yes
  say "installed $2"
}

place "$bundle" "$lib_dir/kdumpwatch-agent.cjs" 0755
place "$here/systemd/kdumpwatch-agent-start" "$lib_dir/kdumpwatch-agent-start" 0755
place "$unit_src" "$unit_dir/kdumpwatch-agent.service" 0644

# agent.json: keep what an operator added (e.g. "interval"), set server/token/interval we were given.
mkdir -p "$etc_dir"
chmod 0755 "$etc_dir"
old_umask=$(umask)
umask 077
new_config="$config.new.$$"
KDW_SERVER=$server KDW_TOKEN=$token KDW_INTERVAL=$interval KDW_CONFIG=$config node -e '
  const fs = require("fs");
  let current = {};
  try { current = JSON.parse(fs.readFileSync(process.env.KDW_CONFIG, "utf8")); } catch {}
  if (typeof current !== "object" || current === null || Array.isArray(current)) current = {};
  const next = { ...current, server: process.env.KDW_SERVER };
  if (process.env.KDW_TOKEN) next.enrollToken = process.env.KDW_TOKEN;
  if (process.env.KDW_INTERVAL) next.interval = Number(process.env.KDW_INTERVAL);
  process.stdout.write(JSON.stringify(next, null, 2) + "\n");
' >"$new_config"
umask "$old_umask"
place "$new_config" "$config" 0600
rm -f "$new_config"
if ! grep -q '"enrollToken"' "$config" && [ ! -f "$destdir/var/lib/kdumpwatch/credential.json" ]; then
  say "warning: no enrollment token given and no stored credential: the agent will refuse to start"
fi

say "$agent_version installed ($([ "$changed" = yes ] && echo updated || echo unchanged))"

if [ -n "$destdir" ]; then
  say "--destdir given: not touching systemd"
  exit 0
fi
if ! command -v systemctl >/dev/null 2>&1 || [ ! -d /run/systemd/system ]; then
  say "systemd is not running on this host: the unit is installed but not enabled."
  say "start the agent yourself:  /usr/lib/kdumpwatch/kdumpwatch-agent-start run"
  exit 0
fi
systemctl daemon-reload
systemctl enable kdumpwatch-agent.service >/dev/null
say "enabled kdumpwatch-agent.service"
if [ "$start" = yes ]; then
  if [ "$changed" = yes ] || ! systemctl is-active --quiet kdumpwatch-agent.service; then
    systemctl restart kdumpwatch-agent.service
    say "started kdumpwatch-agent.service (journalctl -u kdumpwatch-agent -f to follow it)"
  fi
fi
