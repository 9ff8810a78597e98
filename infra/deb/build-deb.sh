#!/bin/sh
# Builds dist/kdumpwatch-agent_<version>_all.deb (root package.json: `pnpm package:deb`) with
# debhelper from infra/deb/debian: the one-file agent (Node.js >= 10.19), its manual pages, the
# hardened unit from infra/systemd, a config template, and maintainer scripts in debhelper's style.
#   KDUMPWATCH_SKIP_BUILD=1   package the existing bundle instead of building it first
#   KDUMPWATCH_DEB_OUT=DIR    where to write the .deb (default: <repo>/dist)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
agent="$repo/apps/agent"
out_dir=${KDUMPWATCH_DEB_OUT:-$repo/dist}

command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dh >/dev/null 2>&1 ||
  { echo "build-deb.sh: dpkg-buildpackage and debhelper are required (apt-get install debhelper)" >&2; exit 1; }
if [ "${KDUMPWATCH_SKIP_BUILD:-0}" != 1 ]; then
  node "$agent/build.mjs"
fi
[ -f "$agent/dist/kdumpwatch-agent.cjs" ] || { echo "build-deb.sh: build the agent first" >&2; exit 1; }
version=$(node -p 'require(process.argv[1]).version' "$agent/package.json")

work=$(mktemp -d "${TMPDIR:-/tmp}/kdw-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$work/kdumpwatch-agent-$version"
mkdir -p "$src/man"
cp -r "$here/debian" "$src/debian"
rm "$src/debian/changelog.in"
date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}")
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date/" "$here/debian/changelog.in" >"$src/debian/changelog"
cp "$repo/infra/systemd/kdumpwatch-agent.service" "$src/debian/kdumpwatch-agent.service"
cp "$agent/dist/kdumpwatch-agent.cjs" "$repo/infra/systemd/kdumpwatch-agent-start" "$here/agent.json.example" "$src/"
cp "$agent/dist/man/"*.8 "$src/man/"

# --no-pre-clean: the tree was staged just now, `debian/rules clean` has nothing to do there (the
# .deb is byte for byte the same without it, one dh_clean run less)
(cd "$src" && dpkg-buildpackage -b -us -uc --no-sign --no-pre-clean >"$work/build.log" 2>&1) ||
  { cat "$work/build.log" >&2; echo "build-deb.sh: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$out_dir"
deb="$out_dir/kdumpwatch-agent_${version}_all.deb"
mv "$work/kdumpwatch-agent_${version}_all.deb" "$deb"
echo "built $deb ($(($(wc -c <"$deb") / 1000)) kB)"
