#!/bin/sh
# Builds dist/kdumpwatch_agent-<version>.tar.gz (root package.json: `pnpm package:ansible-role`): the
# role in roles/kdumpwatch_agent made self-contained for `ansible-galaxy role install`. In this
# repository the role takes the agent bundle, its start script and the unit from apps/agent/dist and
# infra/systemd; ansible-galaxy installs a role on its own (from git it needs the role at the root
# of the repository, see the role's README), so the archive carries the three files in the role's
# files/ and its defaults point there.
#   KDUMPWATCH_SKIP_BUILD=1     package the existing bundle instead of building it first
#   KDUMPWATCH_ROLE_OUT=DIR     where to write the archive (default: <repo>/dist)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
agent="$repo/apps/agent"
out_dir=${KDUMPWATCH_ROLE_OUT:-$repo/dist}

if [ "${KDUMPWATCH_SKIP_BUILD:-0}" != 1 ]; then
  node "$agent/build.mjs"
fi
[ -f "$agent/dist/kdumpwatch-agent.cjs" ] || { echo "package-role.sh: build the agent first" >&2; exit 1; }
version=$(node -p 'require(process.argv[1]).version' "$agent/package.json")

work=$(mktemp -d "${TMPDIR:-/tmp}/kdw-role.XXXXXX")
trap 'rm -rf "$work"' EXIT
role="$work/kdumpwatch_agent"
cp -r "$here/roles/kdumpwatch_agent" "$role"
mkdir -p "$role/files"
cp "$agent/dist/kdumpwatch-agent.cjs" "$repo/infra/systemd/kdumpwatch-agent-start" \
  "$repo/infra/systemd/kdumpwatch-agent.service" "$role/files/"
chmod 0755 "$role/files/kdumpwatch-agent.cjs" "$role/files/kdumpwatch-agent-start"
chmod 0644 "$role/files/kdumpwatch-agent.service"

# The three defaults that point into this repository now point into the role; each must be found.
defaults="$role/defaults/main.yml"
for pair in kdumpwatch_agent_bundle=kdumpwatch-agent.cjs kdumpwatch_agent_unit=kdumpwatch-agent.service \
  kdumpwatch_agent_start=kdumpwatch-agent-start; do
  name=${pair%%=*}
  file=${pair#*=}
  grep -q "^$name: \"{{ role_path }}/\.\./" "$defaults" ||
    { echo "package-role.sh: $name in defaults/main.yml no longer points into the repository" >&2; exit 1; }
  sed -i "s|^$name: .*|$name: \"{{ role_path }}/files/$file\"|" "$defaults"
done
printf '%s\n' "$version" >"$role/files/VERSION"

mkdir -p "$out_dir"
archive="$out_dir/kdumpwatch_agent-$version.tar.gz"
mtime="@${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -C "$work" -cf - kdumpwatch_agent |
  gzip -9n >"$archive"
echo "built $archive ($(($(wc -c <"$archive") / 1000)) kB)"
