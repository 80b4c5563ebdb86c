#!/usr/bin/env bash
# Usage: tools/localenv/tunnel.sh ENV
# SSH tunnels to the first local VM of ENV, as teams do with
# `vagrant ssh -- -L ...`: http://localhost:3080 and https://localhost:3443
# reach the VM's nginx. Runs in the foreground until Ctrl-C.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
env=${1:?usage: tools/localenv/tunnel.sh ENV}
[[ $env =~ ^[a-zA-Z0-9_-]+$ ]] || { echo "tunnel: '$env' is not an environment name" >&2; exit 1; }
read -r name address < <("$repo/tools/vm/inventory-hosts.sh" "$repo/environments/$env/hosts" 2>/dev/null) || {
  echo "tunnel: environments/$env/hosts has no local VM" >&2
  exit 1
}
echo "tunnel to $name ($address): http://localhost:3080 https://localhost:3443 (Ctrl-C ends it)"
exec ssh -N -i "$repo/.vm/id_ed25519" -o StrictHostKeyChecking=yes \
  -o UserKnownHostsFile="$repo/.vm/$env/known_hosts" -o ExitOnForwardFailure=yes \
  -L 3080:localhost:80 -L 3443:localhost:443 "root@$address"
