#!/usr/bin/env bash
# Usage: tools/vm/host-down.sh DIR
# Stops the host in DIR and unmounts it; its disk (the overlay's upper
# layer) stays for the next boot. Stopping is an orderly poweroff: SIGTERM
# to the recorded systemd-nspawn PID makes nspawn ask the host's systemd to
# power off. After $DROVER_VM_STOP_TIMEOUT seconds the recorded PID is
# killed, then any process still in the host's cgroup. Succeeds
# only when no process, mount or listening sshd of the host is left. A netns
# host's namespace and link go too (tools/vm/net.sh detach), and with the
# last netns host the proxy and the bridge.
# Stopping a host that is not running is not an error.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

dir=${1:?usage: host-down.sh DIR}
[[ -d $dir ]] || exit 0
dir=$(cd "$dir" && pwd)
name=$(basename "$dir")
root=$dir/root
address=$(cat "$dir/address" 2>/dev/null || true)

wait_gone() { # pid seconds: succeeds when the PID no longer runs the host
  local deadline=$((SECONDS + $2))
  while vm_pid_is_host "$1" "$dir"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

if pid=$(vm_host_running "$dir"); then
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$DROVER_VM_STOP_TIMEOUT"; then
    vm_log "$name: no poweroff after ${DROVER_VM_STOP_TIMEOUT}s, killing nspawn PID $pid"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || vm_die "$name: nspawn PID $pid survives SIGKILL"
  fi
fi
rm -f "$dir/pid"

# Processes left in the host's cgroup (only after a killed nspawn) are this
# host's own: end them by PID.
mapfile -t left < <(vm_host_pids "$dir")
if ((${#left[@]})); then
  vm_log "$name: killing leftover processes ${left[*]}"
  kill -KILL "${left[@]}" 2>/dev/null || true
  sleep 0.5
fi

if mountpoint -q "$root"; then
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    umount "$root" 2>/dev/null && break
    ((attempt < 10)) || vm_die "$name: cannot unmount $root: $(umount "$root" 2>&1)"
    sleep 0.5
  done
fi

[[ -z $(vm_host_pids "$dir") ]] || vm_die "$name: processes still run in its cgroup"
# The host's (now empty) cgroups, deepest first.
for cgroup in $(vm_cgroup_dirs "$dir"); do
  [[ -d $cgroup ]] && find "$cgroup" -depth -type d -exec rmdir {} +
  rmdir "$(dirname "$cgroup")" 2>/dev/null || true # drover-vm/, once empty
done
if vm_is_netns_address "$address"; then
  "$here/net.sh" detach "$address"
elif [[ -n $address ]]; then
  for _ in $(seq 20); do
    vm_port22_listens "$address" || break
    sleep 0.25
  done
  ! vm_port22_listens "$address" || vm_die "$name: $address:22 still listens"
fi
vm_log "$name: stopped"
