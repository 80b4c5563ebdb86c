#!/usr/bin/env bash
# Usage: tools/vm/inventory-hosts.sh INVENTORY_FILE
# Prints "NAME ADDRESS" for every host of an INI inventory whose inline
# ansible_host is a loopback address 127.0.0.2-254 (a local VM sharing this
# machine's network) or lies in 10.213.0.0/16 (a local VM with a network of
# its own, see tools/vm/net.sh), once each,
# in the order of first appearance. Minimal on purpose: inline host
# variables only (no ranges, no group_vars/host_vars, no YAML inventories);
# [group:vars] and [group:children] sections are skipped. Hosts that are not local VMs are
# listed on stderr as skipped.
set -euo pipefail
inventory=${1:?usage: inventory-hosts.sh INVENTORY_FILE}
[[ -f $inventory ]] || { echo "vm: error: no inventory at $inventory" >&2; exit 1; }

awk '
  /^[ \t]*([#;]|$)/ { next }                    # comments and blank lines
  /^[ \t]*\[/ {                                 # [group], [group:vars], ...
    in_hosts = ($0 !~ /:(vars|children)[ \t]*\]/)
    next
  }
  !in_hosts || seen[$1]++ { next }
  {
    address = ""
    for (i = 2; i <= NF; i++)
      if ($i ~ /^ansible_host=/) address = substr($i, 14)
    gsub(/["\047]/, "", address)
    if (address ~ /^127\.0\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$/ ||
        (address ~ /^10\.213\.[0-9]+\.[0-9]+$/ && address != "10.213.0.1"))
      print $1, address
    else
      printf "vm: skipping %s: ansible_host \"%s\" is neither a loopback address 127.0.0.2-254 nor in 10.213.0.0/16\n", $1, address > "/dev/stderr"
  }
' "$inventory"
