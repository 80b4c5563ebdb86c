#!/usr/bin/env bash
# Usage: tools/vm/env.sh up|down|ssh|status|reset ENV [SSH_USER]
# The Makefile's `make vm*` targets: local VMs for environments/ENV/hosts.
#   up      boots every host of the inventory whose ansible_host is a local
#           VM address (tools/vm/inventory-hosts.sh) and waits until each
#           sshd answers: 127.0.0.2-254 shares this machine's network;
#           10.213.0.0/16 (use 10.213.0.2-10.213.99.254 in environments)
#           boots the host in a network of its own, reachable from this
#           machine at that address, apt/npm through the proxy on
#           10.213.0.1:3142 (tools/vm/host-up.sh, tools/vm/net.sh)
#   down    powers off and unmounts every host of ENV; leaves no process,
#           mount or listening socket (the disks stay for the next `up`)
#   ssh     opens a shell on the first host (as SSH_USER, default vagrant)
#   status  lists the hosts of every environment (ENV "all") or of ENV
#   reset   `down`, then drops every host's disk (overlay upper layer), so
#           the next `up` starts from the base image with new host keys
# The client key is .vm/id_ed25519 and the hosts' keys go to
# .vm/ENV/known_hosts, both under the repository root (git-ignored), which
# is where environments/ENV/hosts points Ansible and drover.
#
# DROVER_VM_PROJECT=DIR (an example project such as examples/inloop, relative
# to the repository root or absolute) takes the inventory from
# DIR/environments/ENV/hosts instead; its hosts are kept apart from the root
# deployment's as the environment "NAME-ENV" (NAME: DIR's last component):
# their disks under $DROVER_VM_STATE/NAME-ENV and their keys in
# .vm/NAME-ENV/known_hosts (the client key stays .vm/id_ed25519).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
repo=$(cd "$here/../.." && pwd)

usage() { vm_die "usage: tools/vm/env.sh up|down|ssh|status|reset ENV [SSH_USER]"; }
(($# >= 2)) || usage
action=$1 env=$2
[[ $env =~ ^[a-zA-Z0-9_-]+$ ]] || vm_die "'$env' is not an environment name"
key=$repo/.vm/id_ed25519
project=$repo vm_env=$env
if [[ -n ${DROVER_VM_PROJECT:-} ]]; then
  project=$(cd "$repo" && cd "$DROVER_VM_PROJECT" && pwd) ||
    vm_die "DROVER_VM_PROJECT: no directory $DROVER_VM_PROJECT"
  vm_env=$(basename "$project")-$env
fi
known_hosts=$repo/.vm/$vm_env/known_hosts
state=$DROVER_VM_STATE/$vm_env

inventory_hosts() { # prints "NAME ADDRESS" lines; fails when there are none
  local inventory=$project/environments/$env/hosts out
  out=$("$here/inventory-hosts.sh" "$inventory") || exit 1
  [[ -n $out ]] || vm_die "$inventory has no host with a local VM ansible_host (127.0.0.2-254 or 10.213.0.0/16)"
  echo "$out"
}

host_dirs() { # the state directories of ENV's hosts that were ever booted
  local dir
  for dir in "$state"/*/; do
    [[ -f $dir/address ]] && echo "${dir%/}"
  done
  return 0
}

up() {
  vm_require_machine
  local hosts name address dirs=()
  hosts=$(inventory_hosts)
  "$here/client-key.sh" "$key" >/dev/null
  "$here/base-image.sh" >/dev/null
  local start=$SECONDS
  while read -r name address; do
    "$here/host-up.sh" --dir "$state/$name" --name "$name" --address "$address" \
      --authorized-key "$key.pub"
    dirs+=("$state/$name")
  done <<<"$hosts"
  mkdir -p "$(dirname "$known_hosts")"
  "$here/known-hosts.sh" "${dirs[@]}" >"$known_hosts.tmp"
  mv "$known_hosts.tmp" "$known_hosts"
  for dir in "${dirs[@]}"; do
    "$here/host-wait.sh" --dir "$dir" --key "$key" --known-hosts "$known_hosts"
  done
  vm_log "${#dirs[@]} host(s) up in $((SECONDS - start))s; first one:"
  read -r name address <<<"$hosts"
  vm_log "  ssh -i .vm/id_ed25519 -o UserKnownHostsFile=.vm/$vm_env/known_hosts root@$address"
}

down() { # all hosts at once; fails when any fails
  local dir pids=() pid ok=true
  for dir in $(host_dirs); do
    "$here/host-down.sh" "$dir" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || ok=false; done
  $ok
}

ssh_first() {
  local name address
  read -r name address <<<"$(inventory_hosts)"
  vm_host_running "$state/$name" >/dev/null ||
    vm_die "$name is not running; start it with: make vm env=$env"
  exec ssh -i "$key" -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$known_hosts" \
    "${1:-vagrant}@$address"
}

status() {
  local dir pid line found=false pattern="$state/*"
  [[ $env == all ]] && pattern="$DROVER_VM_STATE/*/*"
  printf '%-12s %-12s %-14s %s\n' ENV HOST ADDRESS STATE
  for dir in $pattern; do # the glob expands here
    [[ -f $dir/address ]] || continue
    found=true
    if pid=$(vm_host_running "$dir"); then
      line="running (nspawn PID $pid)"
      vm_is_netns_address "$(cat "$dir/address")" ||
        vm_port22_listens "$(cat "$dir/address")" || line+=", sshd not listening"
    else
      line=stopped
      mountpoint -q "$dir/root" && line+=", still mounted (run make vm-down)"
    fi
    printf '%-12s %-12s %-14s %s\n' "$(basename "$(dirname "$dir")")" \
      "$(basename "$dir")" "$(cat "$dir/address")" "$line"
  done
  $found || echo "(no hosts)"
}

reset() {
  down
  local dir
  for dir in $(host_dirs); do
    rm -rf --one-file-system "$dir/upper" "$dir/work" "$dir/base.recipe"
    vm_log "$(basename "$dir"): disk dropped"
  done
  rm -f "$known_hosts"
}

case $action in
  up) up ;;
  down) down ;;
  ssh) ssh_first "${3:-}" ;;
  status) status ;;
  reset) reset ;;
  *) usage ;;
esac
