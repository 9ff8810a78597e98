#!/bin/sh
# Builds dist/kdumpwatch-agent-<version>-1.noarch.rpm (root package.json: `pnpm package:rpm`) with
# rpmbuild from infra/rpm/kdumpwatch-agent.spec: the same files and unit as the Debian package.
#   KDUMPWATCH_SKIP_BUILD=1   package the existing bundle instead of building it first
#   KDUMPWATCH_RPM_OUT=DIR    where to write the .rpm (default: <repo>/dist)
#   KDUMPWATCH_RPM_GPG_NAME=ID  sign it with rpmsign and this gpg key (GNUPGHOME as gpg reads it)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
agent="$repo/apps/agent"
out_dir=${KDUMPWATCH_RPM_OUT:-$repo/dist}

command -v rpmbuild >/dev/null 2>&1 ||
  { echo "build-rpm.sh: rpmbuild is required (Debian: apt-get install rpm)" >&2; exit 1; }
if [ "${KDUMPWATCH_SKIP_BUILD:-0}" != 1 ]; then
  node "$agent/build.mjs"
fi
[ -f "$agent/dist/kdumpwatch-agent.cjs" ] || { echo "build-rpm.sh: build the agent first" >&2; exit 1; }
version=$(node -p 'require(process.argv[1]).version' "$agent/package.json")

work=$(mktemp -d "${TMPDIR:-/tmp}/kdw-rpm.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/SOURCES" "$work/SPECS"
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}
date=$(LC_ALL=C date -u -d "@$epoch" '+%a %b %d %Y')
sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$date/" "$here/kdumpwatch-agent.spec" >"$work/SPECS/kdumpwatch-agent.spec"
cp "$agent/dist/kdumpwatch-agent.cjs" "$repo/infra/systemd/kdumpwatch-agent-start" \
  "$repo/infra/systemd/kdumpwatch-agent.service" "$repo/infra/deb/agent.json.example" \
  "$agent/dist/man/"*.8 "$work/SOURCES/"
sed -n '/^License: Expat$/,$p' "$repo/infra/deb/debian/copyright" | sed 's/^ \.\{0,1\}//' >"$work/SOURCES/LICENSE.expat"
{
  echo "kdumpwatch: the kdumpwatch source repository states the terms under which it is distributed."
  echo "The agent file bundles ws and zod, both under the MIT (Expat) license:"
  echo
  cat "$work/SOURCES/LICENSE.expat"
} >"$work/SOURCES/LICENSE"

SOURCE_DATE_EPOCH=$epoch rpmbuild -bb --quiet \
  --define "_topdir $work" \
  --define "_rpmdir $work/RPMS" \
  --define "use_source_date_epoch_as_buildtime 1" \
  --define "clamp_mtime_to_source_date_epoch 1" \
  "$work/SPECS/kdumpwatch-agent.spec" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; echo "build-rpm.sh: rpmbuild failed" >&2; exit 1; }
if [ -n "${KDUMPWATCH_RPM_GPG_NAME:-}" ]; then
  rpmsign --addsign --define "_gpg_name $KDUMPWATCH_RPM_GPG_NAME" --define "__gpg $(command -v gpg)" \
    "$work/RPMS/noarch/kdumpwatch-agent-${version}-1.noarch.rpm" >"$work/sign.log" 2>&1 ||
    { cat "$work/sign.log" >&2; echo "build-rpm.sh: rpmsign failed" >&2; exit 1; }
fi
mkdir -p "$out_dir"
rpm="$out_dir/kdumpwatch-agent-${version}-1.noarch.rpm"
mv "$work/RPMS/noarch/kdumpwatch-agent-${version}-1.noarch.rpm" "$rpm"
echo "built $rpm ($(($(wc -c <"$rpm") / 1000)) kB)"
