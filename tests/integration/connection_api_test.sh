#!/usr/bin/env bash
# Runs build/drover_connection_itest (tests/integration/connection_itest.cc)
# against a private sshd: stdin/env, session reuse, 50 MB put/fetch, atomic
# put, owner/mode, become for files.
source "$(dirname "$0")/sshd_lib.sh"
itest="$(dirname "$DROVER")/drover_connection_itest"
[[ -x $itest ]] || { echo "missing $itest (build first)"; exit 1; }
sshd_setup
sshd_start a
U=drv3$$
make_user "$U" "pw-$U"
mkdir -p "$T/files"
DROVER_ITEST_PORT=${SSHD_PORT[a]} DROVER_ITEST_KEY=$T/id_ed25519 \
  DROVER_ITEST_KNOWN_HOSTS=$T/known_hosts DROVER_ITEST_DIR=$T/files DROVER_ITEST_USER=$U \
  "$itest"
