#!/usr/bin/env bash
# Usage: tools/vm/known-hosts.sh HOST_DIR...
# Prints a known_hosts file for the hosts kept in the given state
# directories: "ADDRESS,NAME KEYTYPE KEY" per host, from the host key each
# host got on its first boot (tools/vm/host-up.sh). Reads the overlay's
# upper layer, so it works whether or not the host runs.
set -euo pipefail
for dir in "$@"; do
  pub=$dir/upper/etc/ssh/ssh_host_ed25519_key.pub
  [[ -f $pub ]] || { echo "vm: error: no host key in $dir (never booted?)" >&2; exit 1; }
  read -r type key _ <"$pub"
  echo "$(cat "$dir/address"),$(basename "$dir") $type $key"
done
