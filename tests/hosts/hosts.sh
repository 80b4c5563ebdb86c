# shellcheck shell=bash
# Test fixture: real Debian hosts for tests of any tier. Source it, then:
#
#   hosts_start web1 web2 bare:no-python   # boot 3 hosts, wait for sshd
#   hosts_start fw1:netns fw2:netns:no-python   # networks of their own
#   hosts_ssh web1 hostname                # ssh root@<address of web1> ...
#   hosts_pids web1                        # its processes (nspawn + inside)
#   ansible-playbook -i "$HOSTS_INVENTORY" play.yml
#   hosts_stop || fail                     # optional: the EXIT trap does it too
#
# Each host is a local VM (tools/vm/: systemd-nspawn + overlayfs on the cached
# base image) with its own loopback address from 127.0.0.100-199, a range the
# environments (environments/*/hosts, 127.0.0.2-99) do not use; addresses are
# allocated under a lock, so concurrent test runs do not collide. A name
# suffixed ":no-python" boots with every python3 package purged.
#
# A name suffixed ":netns" (combinable: "fw:netns:no-python") boots in a
# network namespace of its own (tools/vm/net.sh), as on a hypervisor's
# host-only network: address from 10.213.100.2-254 (environments use
# 10.213.0.2-10.213.99.254), interface eth0, this machine at 10.213.0.1.
# Its ports, firewall (iptables, nft, ufw) and net.* sysctls are its own, so
# ONLY such hosts may get firewall or network tasks. Netns hosts of a run
# reach each other; apt and npm (HTTPS to the registry) go through the
# proxy http://10.213.0.1:3142 that the tooling configures on the host.
#
# After hosts_start:
#   HOSTS_NAMES          array of host names, in the order given
#   HOSTS_ADDRESS[name]  the host's address (sshd on port 22)
#   HOSTS_NETNS[name]    "true" for a netns host, "false" otherwise
#   HOSTS_KEY            private key authorized for root and `vagrant`
#   HOSTS_KNOWN_HOSTS    known_hosts file with every host's key (use it with
#                        StrictHostKeyChecking=yes)
#   HOSTS_INVENTORY      INI inventory: group [hosts], ansible_user=root,
#                        the key and known_hosts above
#   HOSTS_STATE          the run's state directory (overlays, mounts; the
#                        key, known_hosts and inventory are in its .client/)
#
# Cleanup: hosts_start installs an EXIT trap (and turns INT/TERM into an
# exit) that stops every host, unmounts and deletes its disk, even when the
# test fails; the test's exit status is kept, or made 1 when the teardown
# itself fails. A run killed before its trap (SIGKILL) is cleaned up by the
# next hosts_start on the machine. The fixture owns the EXIT trap: register
# other cleanup with hosts_on_exit 'command'. hosts_stop fails unless no
# process, mount, cgroup or listening sshd of the run is left.

_hosts_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tools/vm" && pwd)
# shellcheck source=../../tools/vm/common.sh
source "$_hosts_tools/common.sh"

HOSTS_NAMES=()
declare -gA HOSTS_ADDRESS=() HOSTS_NETNS=()
HOSTS_KEY="" HOSTS_KNOWN_HOSTS="" HOSTS_INVENTORY="" HOSTS_STATE=""
_hosts_on_exit=()

hosts_on_exit() { _hosts_on_exit+=("$1"); }

# The start time of process $1 (clock ticks after boot): with its PID, it
# names a process even after PIDs wrap around.
_hosts_start_time() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[19]}"
}

# Removes the leftovers of fixture runs whose test process is gone (a test
# killed with SIGKILL cannot run its trap): stops their hosts by recorded
# PID and deletes their state. Called with the allocation lock held.
_hosts_reap_stale_runs() {
  local run owner started dir
  for run in "$DROVER_VM_STATE"/test-*; do
    [[ -d $run ]] || continue
    read -r owner started <"$run/owner" 2>/dev/null || owner=""
    [[ -n $owner && $(_hosts_start_time "$owner") == "$started" ]] && continue
    echo "hosts: cleaning up after dead test run ${run##*/test-}" >&2
    for dir in "$run"/*/; do
      "$_hosts_tools/host-down.sh" "${dir%/}" || return 1
    done
    rm -rf --one-file-system "$run"
  done
}

# Prints N free addresses and records them in the run's state (under the
# allocation lock): from 127.0.0.100-199 with nothing listening on port 22
# (shared network), or with NETNS "true" from 10.213.100.2-254 without a
# namespace; never one used by any known host of any run or environment.
_hosts_allocate() { # count netns
  local count=$1 netns=$2 octet address used
  used=$(cat "$DROVER_VM_STATE"/*/*/address 2>/dev/null || true)
  for ((octet = 2; octet <= 254 && count > 0; octet++)); do
    if $netns; then
      address=$DROVER_VM_NET_PREFIX.100.$octet
      [[ -e /run/netns/drover-$address ]] && continue
    else
      ((octet >= 100 && octet <= 199)) || continue
      address=127.0.0.$octet
      vm_port22_busy "$address" && continue
    fi
    grep -qxF "$address" <<<"$used" && continue
    echo "$address"
    count=$((count - 1))
  done
  ((count == 0)) || { echo "hosts: no free address (netns: $netns)" >&2; return 1; }
}

# hosts_start NAME[:no-python][:netns]... : boots the hosts, in parallel, and waits
# until every sshd answers. Fails (after cleaning up) when any host fails.
hosts_start() {
  (($#)) || { echo "hosts_start: no host names" >&2; return 1; }
  [[ -z $HOSTS_STATE ]] || { echo "hosts_start: hosts already started" >&2; return 1; }
  vm_require_machine
  trap _hosts_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  "$_hosts_tools/base-image.sh" >/dev/null || return 1

  local spec flag names=() no_python=() shared=0 isolated=0
  for spec in "$@"; do
    names+=("${spec%%:*}")
    HOSTS_NETNS[${spec%%:*}]=false
    for flag in $(tr ':' ' ' <<<"${spec#*:}"); do
      [[ $spec == *:* ]] || break
      case $flag in
        no-python) no_python+=("${spec%%:*}") ;;
        netns) HOSTS_NETNS[${spec%%:*}]=true ;;
        *) echo "hosts_start: unknown option ':$flag' in '$spec'" >&2; return 1 ;;
      esac
    done
    if ${HOSTS_NETNS[${spec%%:*}]}; then isolated=$((isolated + 1)); else shared=$((shared + 1)); fi
  done
  mkdir -p "$DROVER_VM_STATE"
  HOSTS_STATE=$DROVER_VM_STATE/test-$$
  {
    flock 8
    local shared_addresses isolated_addresses
    _hosts_reap_stale_runs &&
      mapfile -t shared_addresses < <(_hosts_allocate $shared false) &&
      mapfile -t isolated_addresses < <(_hosts_allocate $isolated true) || return 1
    ((${#shared_addresses[@]} == shared && ${#isolated_addresses[@]} == isolated)) || return 1
    mkdir -p "$HOSTS_STATE"
    echo "$$ $(_hosts_start_time $$)" >"$HOSTS_STATE/owner"
    local name address
    for name in "${names[@]}"; do
      if ${HOSTS_NETNS[$name]}; then
        address=${isolated_addresses[0]}
        isolated_addresses=("${isolated_addresses[@]:1}")
      else
        address=${shared_addresses[0]}
        shared_addresses=("${shared_addresses[@]:1}")
      fi
      mkdir -p "$HOSTS_STATE/$name"
      echo "$address" >"$HOSTS_STATE/$name/address"
      HOSTS_ADDRESS[$name]=$address
    done
  } 8>"$DROVER_VM_STATE/.fixture.lock"
  HOSTS_NAMES=("${names[@]}")

  # The client side lives in the run's state too, so that a killed run's
  # files go with it (.client: no host name starts with a dot).
  local client=$HOSTS_STATE/.client
  mkdir -p "$client"
  HOSTS_KEY=$("$_hosts_tools/client-key.sh" "$client/id_ed25519") || return 1
  HOSTS_KNOWN_HOSTS=$client/known_hosts
  HOSTS_INVENTORY=$client/hosts

  local name pids=() failed=false
  for name in "${names[@]}"; do
    local flags=()
    [[ " ${no_python[*]} " == *" $name "* ]] && flags=(--no-python)
    "$_hosts_tools/host-up.sh" --dir "$HOSTS_STATE/$name" --name "$name" \
      --address "${HOSTS_ADDRESS[$name]}" --authorized-key "$HOSTS_KEY.pub" \
      "${flags[@]}" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=true; done
  $failed && return 1

  local dirs=()
  for name in "${names[@]}"; do dirs+=("$HOSTS_STATE/$name"); done
  "$_hosts_tools/known-hosts.sh" "${dirs[@]}" >"$HOSTS_KNOWN_HOSTS" || return 1
  for name in "${names[@]}"; do
    "$_hosts_tools/host-wait.sh" --dir "$HOSTS_STATE/$name" --key "$HOSTS_KEY" \
      --known-hosts "$HOSTS_KNOWN_HOSTS" || return 1
  done
  _hosts_write_inventory
}

_hosts_write_inventory() {
  {
    echo "[hosts]"
    for name in "${HOSTS_NAMES[@]}"; do
      echo "$name ansible_host=${HOSTS_ADDRESS[$name]}"
    done
    echo
    echo "[all:vars]"
    echo "ansible_user=root"
    echo "ansible_ssh_private_key_file=$HOSTS_KEY"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$HOSTS_KNOWN_HOSTS -o StrictHostKeyChecking=yes'"
  } >"$HOSTS_INVENTORY"
}

# hosts_ssh NAME COMMAND... : runs COMMAND as root on host NAME, host key
# checked; returns the command's status (255: ssh failed). Stdin is not
# forwarded.
hosts_ssh() {
  local name=$1
  shift
  [[ -n ${HOSTS_ADDRESS[$name]:-} ]] || { echo "hosts_ssh: no host '$name'" >&2; return 255; }
  ssh -n -i "$HOSTS_KEY" -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$HOSTS_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
    "root@${HOSTS_ADDRESS[$name]}" "$@"
}

# hosts_pids NAME : PIDs of every process of host NAME now (its
# systemd-nspawn and everything inside it).
hosts_pids() { vm_host_pids "$HOSTS_STATE/$1"; }

# hosts_stop : stops every host of the run and deletes its state. Fails when
# any process, mount, cgroup or listening sshd of the run is left.
hosts_stop() {
  [[ -n $HOSTS_STATE ]] || return 0
  local name dir ok=true pids=() pid
  # Power every host off at once, then check each one.
  for name in "${HOSTS_NAMES[@]}"; do
    [[ -d $HOSTS_STATE/$name ]] || continue
    "$_hosts_tools/host-down.sh" "$HOSTS_STATE/$name" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || ok=false; done
  for name in "${HOSTS_NAMES[@]}"; do
    dir=$HOSTS_STATE/$name
    [[ -d $dir ]] || continue
    local cgroups
    cgroups=$(vm_cgroup_dirs "$dir")
    [[ -z $(vm_host_pids "$dir") ]] || { echo "hosts: $name: processes left" >&2; ok=false; }
    for cg in $cgroups; do
      [[ ! -d $cg ]] || { echo "hosts: $name: cgroup $cg left" >&2; ok=false; }
    done
    ! mountpoint -q "$dir/root" || { echo "hosts: $name: still mounted" >&2; ok=false; }
    ! vm_port22_listens "${HOSTS_ADDRESS[$name]}" ||
      { echo "hosts: $name: ${HOSTS_ADDRESS[$name]}:22 still listens" >&2; ok=false; }
    [[ ! -e /run/netns/drover-${HOSTS_ADDRESS[$name]} ]] ||
      { echo "hosts: $name: its network namespace is left" >&2; ok=false; }
  done
  if $ok; then
    rm -rf --one-file-system "$HOSTS_STATE"
    HOSTS_STATE=""
  fi
  $ok
}

_hosts_exit() {
  local status=$? cmd
  trap - EXIT INT TERM
  for cmd in "${_hosts_on_exit[@]}"; do eval "$cmd" || true; done
  if ! hosts_stop; then
    echo "hosts: teardown failed; state kept in $HOSTS_STATE" >&2
    ((status != 0)) || status=1
  fi
  exit "$status"
}
