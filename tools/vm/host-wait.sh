#!/usr/bin/env bash
# Usage: tools/vm/host-wait.sh --dir DIR --key KEY --known-hosts FILE [--timeout SECONDS]
# Waits until the host in DIR (booted by tools/vm/host-up.sh) accepts an SSH
# login as root with KEY, its host key checked strictly against FILE, and
# its systemd has finished booting. Fails, showing the end of the host's
# console, when the host stops or does not answer within the timeout
# (default $DROVER_VM_BOOT_TIMEOUT).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

dir="" key="" known_hosts="" timeout=$DROVER_VM_BOOT_TIMEOUT
while (($#)); do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --known-hosts) known_hosts=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    *) vm_die "host-wait.sh: unknown option '$1'" ;;
  esac
done
[[ -n $dir && -n $key && -n $known_hosts ]] ||
  vm_die "usage: host-wait.sh --dir DIR --key KEY --known-hosts FILE [--timeout SECONDS]"
name=$(basename "$dir")
address=$(cat "$dir/address")

fail() {
  echo "--- last lines of $dir/console.log" >&2
  tail -n 25 "$dir/console.log" >&2 || true
  vm_die "$name ($address): $*"
}

deadline=$((SECONDS + timeout))
while :; do
  vm_host_running "$dir" >/dev/null || fail "the host stopped while booting"
  if ssh -n -q -i "$key" -o BatchMode=yes -o ConnectTimeout=3 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$known_hosts" \
    -o GlobalKnownHostsFile=/dev/null "root@$address" true 2>/dev/null; then
    break
  fi
  ((SECONDS < deadline)) || fail "sshd did not answer within ${timeout}s"
  sleep 0.5
done

# sshd answers before the boot is over: wait for systemd to finish starting
# units too, so that tests never race the boot (a host whose boot
# finished with a failed unit is "degraded": usable, but said).
left=$((deadline - SECONDS > 5 ? deadline - SECONDS : 5))
state=$(ssh -n -q -i "$key" -o BatchMode=yes -o StrictHostKeyChecking=yes \
  -o UserKnownHostsFile="$known_hosts" -o GlobalKnownHostsFile=/dev/null "root@$address" \
  "timeout $left systemctl is-system-running --wait" 2>/dev/null) || true
[[ $state == running ]] || vm_log "$name: systemd reports '${state:-no answer}' after boot"
