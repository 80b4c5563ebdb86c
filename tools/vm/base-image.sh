#!/usr/bin/env bash
# Usage: tools/vm/base-image.sh
# Makes sure the cached base image for local VMs exists and was built by the
# current recipe, then prints its path. The recipe is this script plus the
# machine's extra CA certificates: when either changes, the image is rebuilt.
#
# The image: Debian bookworm (debootstrap minbase) with openssh-server, sudo,
# systemd, dbus, iproute2, ca-certificates, curl and python3 (python3 only so
# that ansible-playbook can run side by side; drover needs none). It has no
# SSH host keys and an empty machine-id (each host gets its own), a `vagrant`
# user with passwordless sudo (like a Vagrant box), the machine's extra CAs
# trusted, and the background apt/man-db timers masked so that they never
# hold the dpkg lock during a test.
#
# The build goes to a temporary directory that is renamed into place only
# when complete: an interrupted build never leaves a half image. Concurrent
# callers wait on a lock and reuse the image the first one built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

suite=bookworm
mirror=${DROVER_VM_MIRROR:-http://deb.debian.org/debian}
packages=openssh-server,sudo,systemd,systemd-sysv,dbus,iproute2,ca-certificates,curl,python3
extra_cas=/usr/local/share/ca-certificates

recipe_hash() {
  {
    cat "$0"
    echo "$mirror"
    find "$extra_cas" -type f -name '*.crt' 2>/dev/null | LC_ALL=C sort | xargs -r cat
  } | sha256sum | cut -d' ' -f1
}

# Runs in the finished debootstrap tree $1; everything here is part of the recipe.
customize() {
  local root=$1
  # Trust the machine's extra CAs (a proxy or a corporate CA): without them,
  # HTTPS from inside a host fails the way it would on the machine.
  if compgen -G "$extra_cas/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp "$extra_cas"/*.crt "$root/usr/local/share/ca-certificates/"
  fi
  chroot "$root" update-ca-certificates >/dev/null

  # Like a Vagrant box: user `vagrant`, passwordless sudo. Keys are per host.
  chroot "$root" useradd --create-home --shell /bin/bash vagrant
  echo 'vagrant ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/vagrant"
  chmod 0440 "$root/etc/sudoers.d/vagrant"

  # Per-host identity is generated when a host is made (tools/vm/host-up.sh).
  rm -f "$root"/etc/ssh/ssh_host_*
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  echo localhost >"$root/etc/hostname"

  # Same archive areas as a Debian server; package lists are fetched on
  # demand (apt-get update), never frozen into the image.
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb

  # Timers that would run apt or man-db in the background of a test.
  local unit
  for unit in apt-daily.timer apt-daily-upgrade.timer man-db.timer \
    e2scrub_all.timer fstrim.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
}

build() {
  local tmp
  tmp=$(mktemp -d "$DROVER_VM_BASE.tmp.XXXXXX")
  # A failed or interrupted build removes its temporary tree.
  trap 'rm -rf --one-file-system "$tmp"' EXIT
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
    grep -q "lowerdir=$DROVER_VM_BASE[,:]" /proc/mounts &&
      vm_die "the base image recipe changed but hosts still run on the old image; stop them first (make vm-status lists them)"
    rm -rf --one-file-system "$DROVER_VM_BASE"
  fi
  mv "$tmp" "$DROVER_VM_BASE"
  trap - EXIT
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
