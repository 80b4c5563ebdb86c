#!/usr/bin/env bash
# Usage: tools/vm/client-key.sh PRIVATE_KEY_PATH
# Makes sure an ed25519 key pair (PATH and PATH.pub, no passphrase) exists,
# creating it when missing; prints PATH. Hosts authorize the .pub for root
# and for `vagrant`. Keep PATH out of version control (.vm/ is git-ignored).
set -euo pipefail
key=${1:?usage: client-key.sh PRIVATE_KEY_PATH}
if [[ ! -f $key || ! -f $key.pub ]]; then
  mkdir -p "$(dirname "$key")"
  chmod 0700 "$(dirname "$key")"
  rm -f "$key" "$key.pub"
  ssh-keygen -q -t ed25519 -N '' -C "drover-vm@$(hostname)" -f "$key"
fi
echo "$key"
