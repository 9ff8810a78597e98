#!/bin/sh
# Builds dist/kdumpwatch_agent-<version>.tar.gz (root package.json: `pnpm package:ansible-role`): the
# role in roles/kdumpwatch_agent made self-contained for `ansible-galaxy role install`. In this
# repository the role takes the agent bundle, its start script and the unit from apps/agent/dist and
# infra/systemd; ansible-galaxy installs a role on its own (from git it needs the role at the root
# of the repository, see the role's README), so the archive carries the three files in the role's
# files/ and its defaults point there.
#   KDUMPWATCH_SKIP_BUILD=1     package the existing bundle instead of building it first
#   KDUMPWATCH_ROLE_OUT=DIR     where to write the archive (default: <repo>/dist)
#   KDUMPWATCH_ROLE_TAG=REPO    also commit the packaged role, at the root of a commit of its own (no
#                               parent), to the git repository REPO and tag it kdumpwatch_agent-v<version>:
#                               pushed with the release, ansible-galaxy installs the role from this
#                               repository's URL at that tag. Neither REPO's work tree nor its index changes.
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

if [ -n "${KDUMPWATCH_ROLE_TAG:-}" ]; then
  tag="kdumpwatch_agent-v$version"
  git_role() { GIT_INDEX_FILE="$work/index" git -C "$KDUMPWATCH_ROLE_TAG" --work-tree="$role" "$@"; }
  git_role add -A -f .
  tree=$(git_role write-tree)
  commit=$(git_role -c user.name="${GIT_AUTHOR_NAME:-kdumpwatch release}" \
    -c user.email="${GIT_AUTHOR_EMAIL:-release@kdumpwatch.invalid}" \
    commit-tree "$tree" -m "kdumpwatch_agent $version: the Ansible role, packaged (pnpm package:ansible-role)")
  git -C "$KDUMPWATCH_ROLE_TAG" tag "$tag" "$commit"
  echo "tagged $tag ($commit) in $KDUMPWATCH_ROLE_TAG"
fi
