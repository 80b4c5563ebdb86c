#!/usr/bin/env bash
# Usage: tools/vm/base-image.sh
# Makes sure the cached base image for local VMs exists and was built by the
# current recipe (tools/vm/base-recipe.sh, which describes the image), then
# prints its path. The recipe's identity is the hash of that file, the
# mirror and the machine's extra CA certificates: when any changes, the
# image is rebuilt (and hosts made on the old one start over).
#
# The build goes to a temporary directory that is renamed into place only
# when complete: an interrupted build never leaves a half image. Concurrent
# callers wait on a lock and reuse the image the first one built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
# shellcheck source=base-recipe.sh
source "$here/base-recipe.sh"

# The Debian mirror this machine's own apt uses for $suite main (deb822
# .sources or one-line .list entries): the repository names no mirror.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v suite="$suite" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) != suite) next
        for (c = i + 2; c <= NF; c++) if ($c == "main") { print $i; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") &&
            (" " comps " ") ~ / main /) { split(uris, u, " "); print u[1]; found = 1 }
        types = uris = suites = comps = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); if (found) exit; next }
      { key = tolower($1); $1 = "" ; sub(/^ +/, "") }
      key == "types:" { types = $0 } key == "uris:" { uris = $0 }
      key == "suites:" { suites = $0 } key == "components:" { comps = $0 }
      END { if (!found) flush() }' "$f"
  done
}
mirror=${DROVER_VM_MIRROR:-$(apt_mirror | head -1)}
mirror=${mirror%/}
[[ -n $mirror ]] ||
  vm_die "no Debian mirror for $suite main in this machine's apt sources (/etc/apt/sources.list*); set DROVER_VM_MIRROR"

recipe_hash() {
  {
    cat "$here/base-recipe.sh"
    echo "$mirror"
    find "$extra_cas" -type f -name '*.crt' 2>/dev/null | LC_ALL=C sort | xargs -r cat
  } | sha256sum | cut -d' ' -f1
}

# Removes an unfinished build tree $1, unmounting what debootstrap left
# mounted in it (proc, sys) first, deepest first.
discard() {
  local mounts
  mounts=$(awk -v t="$1/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r)
  # shellcheck disable=SC2086 # one mount point per word
  [[ -z $mounts ]] || umount -l $mounts || true
  rm -rf --one-file-system "$1"
}

build() {
  local tmp stale
  # Trees of builds that were killed (the lock is ours: nobody builds now).
  for stale in "$DROVER_VM_BASE".tmp.*; do
    if [[ -d $stale ]]; then discard "$stale"; else rm -f "$stale"; fi
  done
  tmp=$(mktemp -d "$DROVER_VM_BASE.tmp.XXXXXX")
  # A failed or interrupted build removes its temporary tree.
  trap 'discard "$tmp"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  vm_log "building the base image (debootstrap $suite, about a minute)"
  local start=$SECONDS
  if ! debootstrap --variant=minbase --include="$packages" \
    "$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1; then
    tail -n 30 "$tmp.log" >&2
    vm_die "debootstrap failed (full log: $tmp.log)"
  fi
  customize "$tmp"
  # Replace an outdated image only when no host runs on it.
  if [[ -d $DROVER_VM_BASE ]]; then
    grep -q "lowerdir=${DROVER_VM_BASE}[,:]" /proc/mounts &&
      vm_die "the base image recipe changed but hosts still run on the old image; stop them first (make vm-down env=...; make vm-status lists them)"
    rm -rf --one-file-system "$DROVER_VM_BASE"
  fi
  mv "$tmp" "$DROVER_VM_BASE"
  trap - EXIT INT TERM
  rm -f "$tmp.log"
  echo "$2" >"$DROVER_VM_BASE.recipe"
  vm_log "base image ready in $((SECONDS - start))s: $DROVER_VM_BASE"
}

main() {
  vm_require_machine
  mkdir -p "$DROVER_VM_CACHE"
  local want
  want=$(recipe_hash)
  exec 9>"$DROVER_VM_BASE.lock"
  flock 9
  if [[ ! -d $DROVER_VM_BASE || $(cat "$DROVER_VM_BASE.recipe" 2>/dev/null) != "$want" ]]; then
    build "$DROVER_VM_BASE" "$want"
  fi
  echo "$DROVER_VM_BASE"
}

main "$@"
