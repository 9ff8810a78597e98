#!/bin/sh
# Builds dist/kdumpwatch-agent_<version>_all.deb (root package.json: `pnpm package:deb`): the agent
# bundle, the hardened unit, a config template and maintainer scripts. Architecture "all": the bundle
# is plain JavaScript for the distribution's nodejs (>= 18).
#   KDUMPWATCH_SKIP_BUILD=1   package the existing bundle instead of building it first
#   KDUMPWATCH_DEB_OUT=DIR    where to write the .deb (default: <repo>/dist)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bundle="$repo/apps/agent/dist/kdumpwatch-agent.cjs"
out_dir=${KDUMPWATCH_DEB_OUT:-$repo/dist}

command -v dpkg-deb >/dev/null 2>&1 || { echo "build-deb.sh: dpkg-deb is required" >&2; exit 1; }
if [ "${KDUMPWATCH_SKIP_BUILD:-0}" != 1 ]; then
  node "$repo/apps/agent/build.mjs"
fi
[ -f "$bundle" ] || { echo "build-deb.sh: $bundle is missing; build the agent first" >&2; exit 1; }
version=$(node -p 'require(process.argv[1]).version' "$repo/apps/agent/package.json")

stage=$(mktemp -d "${TMPDIR:-/tmp}/kdw-deb.XXXXXX")
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
umask 022

install -D -m 0755 "$bundle" "$stage/usr/lib/kdumpwatch/kdumpwatch-agent.cjs"
install -D -m 0644 "$repo/infra/systemd/kdumpwatch-agent.service" \
  "$stage/usr/lib/systemd/system/kdumpwatch-agent.service"
install -D -m 0644 "$here/agent.json.example" "$stage/usr/share/kdumpwatch/agent.json.example"
install -d -m 0755 "$stage/usr/bin"
ln -s ../lib/kdumpwatch/kdumpwatch-agent.cjs "$stage/usr/bin/kdumpwatch-agent"
install -D -m 0644 "$here/copyright" "$stage/usr/share/doc/kdumpwatch-agent/copyright"

install -d -m 0755 "$stage/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "$here/$script" "$stage/DEBIAN/$script"
done
installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_kb/" "$here/control.in" >"$stage/DEBIAN/control"
(cd "$stage" && find usr -type f -exec md5sum {} + | sort -k2) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

mkdir -p "$out_dir"
deb="$out_dir/kdumpwatch-agent_${version}_all.deb"
dpkg-deb --build --root-owner-group -Zxz "$stage" "$deb" >/dev/null
echo "built $deb ($(($(wc -c <"$deb") / 1000)) kB)"
