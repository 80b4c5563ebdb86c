# shellcheck shell=bash
# Shared settings and helpers for the local-VM tools (tools/vm/*.sh) and the
# test fixture (tests/hosts/hosts.sh). Sourced, never run.
#
# A "host" is a Debian bookworm system booted by systemd-nspawn from an
# overlayfs mount whose lower layer is the cached base image. A host either
# shares the machine's network and listens for SSH on its own loopback
# address (127.0.0.2-254), or, when its address lies in 10.213.0.0/16, has a
# network of its own: a namespace linked to this machine's bridge drover0
# (10.213.0.1), with apt and npm through a private proxy (tools/vm/net.sh).
#
# Layout (all outside the work tree, root-owned):
#   $DROVER_VM_CACHE/base-bookworm          the base image (read-only lower layer)
#   $DROVER_VM_CACHE/base-bookworm.recipe   hash of the recipe that built it
#   $DROVER_VM_STATE/<env>/<host>/          one host:
#       upper/ work/   overlay layers (upper = everything the host changed)
#       root/          the overlay mount point (the host's /)
#       address        its address (loopback, or 10.213.X.Y: netns host)
#       pid            PID of its systemd-nspawn process while it runs
#       console.log    the host's console (systemd boot messages)
#       base.recipe    recipe hash of the base its upper layer was made on

DROVER_VM_CACHE=${DROVER_VM_CACHE:-/var/cache/drover}
DROVER_VM_STATE=${DROVER_VM_STATE:-/var/lib/drover/vms}
DROVER_VM_BASE=${DROVER_VM_BASE:-$DROVER_VM_CACHE/base-bookworm}
# The host-only network of netns hosts (tools/vm/net.sh): its range is
# $DROVER_VM_NET_PREFIX.0.0/16, this machine's end $DROVER_VM_GATEWAY on the
# bridge $DROVER_VM_BRIDGE, the proxy on $DROVER_VM_GATEWAY:$DROVER_VM_PROXY_PORT.
DROVER_VM_NET_PREFIX=10.213
DROVER_VM_GATEWAY=$DROVER_VM_NET_PREFIX.0.1
DROVER_VM_BRIDGE=drover0
DROVER_VM_PROXY_PORT=3142
DROVER_VM_RUN=${DROVER_VM_RUN:-/run/drover-vm}
# Seconds a host may take from boot to an answering sshd.
DROVER_VM_BOOT_TIMEOUT=${DROVER_VM_BOOT_TIMEOUT:-90}
# Seconds a host may take to power off before its nspawn is killed.
DROVER_VM_STOP_TIMEOUT=${DROVER_VM_STOP_TIMEOUT:-30}

vm_log() { echo "vm: $*" >&2; }
vm_die() {
  echo "vm: error: $*" >&2
  exit 1
}

# Fails loudly (never skips) when this machine cannot boot hosts.
vm_require_machine() {
  [[ $(id -u) -eq 0 ]] || vm_die "local VMs need root (overlay mounts, systemd-nspawn)"
  local tool
  for tool in debootstrap systemd-nspawn ssh ssh-keygen ss mountpoint flock; do
    command -v "$tool" >/dev/null ||
      vm_die "'$tool' is missing; run 'make deps' (tools/deps.sh installs it)"
  done
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    vm_die "the kernel has no overlayfs"
}

# Succeeds when $1 is a loopback IPv4 address other than 127.0.0.1, which
# the machine itself uses.
vm_is_host_address() {
  [[ $1 =~ ^127\.0\.0\.([0-9]{1,3})$ ]] &&
    ((BASH_REMATCH[1] >= 2 && BASH_REMATCH[1] <= 254))
}

# Succeeds when $1 is an address of the netns hosts' network
# (10.213.0.2-10.213.255.254, not the gateway 10.213.0.1).
vm_is_netns_address() {
  [[ $1 =~ ^10\.213\.([0-9]{1,3})\.([0-9]{1,3})$ ]] &&
    ((BASH_REMATCH[1] <= 255 && BASH_REMATCH[2] >= 1 && BASH_REMATCH[2] <= 254)) &&
    [[ $1 != "$DROVER_VM_GATEWAY" ]]
}

# Succeeds when an sshd could not bind $1:22 because something listens on
# that address or on every address (0.0.0.0:22, or [::]:22 dual-stack).
vm_port22_busy() {
  [[ -n $(ss -Hltn "( sport = :22 ) and ( src $1 or src 0.0.0.0 or src [::] )" 2>/dev/null) ]]
}

# Succeeds when something listens on exactly $1:22.
vm_port22_listens() {
  [[ -n $(ss -Hltn "( sport = :22 ) and ( src $1 )" 2>/dev/null) ]]
}

# Succeeds while PID $1 is the systemd-nspawn that runs the host kept in
# state directory $2 (its command line names $2/root), so that a recorded
# PID reused by another process is never taken for the host.
vm_pid_is_host() {
  local pid=$1 root
  root=$(cd "$2" 2>/dev/null && pwd)/root || return 1
  [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == systemd-nspawn ]] &&
    { tr '\0' '\n' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qxF -- "--directory=$root"
}

# Prints the PID recorded for the host in state directory $1 and succeeds
# when that process runs the host (vm_pid_is_host).
vm_host_running() {
  local pid
  pid=$(cat "$1/pid" 2>/dev/null) && vm_pid_is_host "$pid" "$1" && echo "$pid"
}

# The cgroup directories (one per systemd-relevant hierarchy) that hold the
# host kept in state directory $1. Each host gets its own: systemd-nspawn
# --keep-unit makes "payload" and "supervisor" groups beside itself, so two
# hosts started from one cgroup would share (and fight over) one tree.
vm_cgroup_dirs() {
  local id
  id=$(readlink -f "$1")
  id=${id#"$DROVER_VM_STATE"/}
  id=${id//\//.}
  if [[ -e /sys/fs/cgroup/cgroup.controllers ]]; then # cgroup v2 only
    echo "/sys/fs/cgroup/drover-vm/$id"
  else # hybrid or legacy: systemd's named hierarchy (+ unified if mounted)
    echo "/sys/fs/cgroup/systemd/drover-vm/$id"
    [[ -d /sys/fs/cgroup/unified ]] && echo "/sys/fs/cgroup/unified/drover-vm/$id"
  fi
  return 0
}

# PIDs of every process of the host kept in state directory $1 (its
# systemd-nspawn and everything inside the host), from its cgroup.
vm_host_pids() {
  local cgroup
  cgroup=$(vm_cgroup_dirs "$1" | head -n 1)
  [[ -d $cgroup ]] || return 0
  find "$cgroup" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un
}
