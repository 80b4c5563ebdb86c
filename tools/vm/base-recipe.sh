# shellcheck shell=bash
# The recipe of the local VMs' base image, sourced by tools/vm/base-image.sh.
# The image is rebuilt whenever this file changes (its hash, together with
# the mirror and the machine's extra CA certificates, names the recipe), so
# keep everything that shapes the image here and nothing else.
#
# The image: Debian bookworm (debootstrap minbase) with openssh-server, sudo,
# systemd, dbus, iproute2, ca-certificates, curl and python3 (python3 only so
# that ansible-playbook can run side by side; drover needs none). It has no
# SSH host keys and an empty machine-id (each host gets its own), a `vagrant`
# user with passwordless sudo (like a Vagrant box), the machine's extra CAs
# trusted, and the background apt/man-db timers masked so that they never
# hold the dpkg lock during a test.

# shellcheck disable=SC2034 # used by base-image.sh
suite=bookworm
# shellcheck disable=SC2034
packages=openssh-server,sudo,systemd,systemd-sysv,dbus,iproute2,ca-certificates,curl,python3
extra_cas=/usr/local/share/ca-certificates

# Finishes the debootstrap tree $1 (uses $mirror, the Debian mirror).
# shellcheck disable=SC2154 # mirror is set by base-image.sh
customize() {
  local root=$1
  # Trust the machine's extra CAs (a proxy or a corporate CA): without them,
  # HTTPS from inside a host fails the way it would on the machine.
  if compgen -G "$extra_cas/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp "$extra_cas"/*.crt "$root/usr/local/share/ca-certificates/"
  fi
  local out
  out=$(chroot "$root" update-ca-certificates 2>&1) || { echo "$out" >&2; return 1; }
  # Node.js and npm (when a playbook installs them) ignore the system store
  # unless told: point login sessions (pam_env) and Debian's npm, which
  # reads /etc/npmrc, at it.
  echo "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" >>"$root/etc/environment"
  echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$root/etc/npmrc"

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
