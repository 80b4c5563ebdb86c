#!/usr/bin/env bash
# Usage: tools/localenv/app-repo.sh BARE_REPO [SOURCE]
# Publishes SOURCE (a directory of this repository, default examples/app)
# as committed in this repository (HEAD) to the bare
# repository BARE_REPO (made when missing), branch main: when SOURCE
# differs from what was published last (BARE_REPO/published-tree), a new
# commit with its tree goes on top of main. Commits pushed to the bare
# repository itself (e.g. by a test) stay on main until SOURCE
# changes again. Prints main's commit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bare=${1:?usage: tools/localenv/app-repo.sh BARE_REPO [SOURCE]}
source_dir=${2:-examples/app}

if [[ ! -d $bare ]]; then
  git init -q --bare --initial-branch=main "$bare"
fi
tree=$(git -C "$repo" rev-parse "HEAD:$source_dir")
source=$(git -C "$repo" rev-parse --short HEAD)
current=$(git -C "$bare" rev-parse -q --verify refs/heads/main || true)
if [[ -z $current || $(cat "$bare/published-tree" 2>/dev/null) != "$tree" ]]; then
  # The tree's objects, from this repository into the bare one.
  git -C "$repo" pack-objects --revs --stdout -q <<<"$tree" 2>/dev/null |
    git -C "$bare" unpack-objects -q
  parent=()
  [[ -n $current ]] && parent=(-p "$current")
  commit=$(GIT_AUTHOR_NAME=drover GIT_AUTHOR_EMAIL=drover@localhost \
    GIT_COMMITTER_NAME=drover GIT_COMMITTER_EMAIL=drover@localhost \
    git -C "$bare" commit-tree "$tree" "${parent[@]}" -m "$source_dir from drover $source")
  git -C "$bare" update-ref refs/heads/main "$commit" ${current:+"$current"}
  echo "$tree" >"$bare/published-tree"
fi
git -C "$bare" rev-parse refs/heads/main
