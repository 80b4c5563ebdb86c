#!/usr/bin/env bash
# Benchmark (not a test): connection setup and round trips against N private
# sshd instances on 127.0.0.1. Run as root after `make`:
#   tools/bench/connections_bench.sh [HOSTS=20] [FORKS=HOSTS]   (BENCH_ANSIBLE=1 also times ansible)
# Reports: connections per second (`drover ping` to every host), round trips
# per `command: true` per host (DROVER_STATS), and per-command latency over one
# persistent session.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DROVER="$PWD/build/drover"
hosts=${1:-20}
forks=${2:-$hosts}
source tests/integration/sshd_lib.sh
sshd_setup
inventory=""
for i in $(seq "$hosts"); do
  sshd_start "h$i"
  inventory+="h$i:${SSHD_PORT[h$i]},"
done
args=(-i "$inventory" -e ansible_host=127.0.0.1 -u root --private-key "$T/id_ed25519"
  --ssh-common-args "-o UserKnownHostsFile=$T/known_hosts" -f "$forks")

ms() { date +%s%N; }
t0=$(ms)
"$DROVER" ping all "${args[@]}" >/dev/null
t1=$(ms)
elapsed=$(((t1 - t0) / 1000000))
echo "drover ping: $hosts hosts, forks $forks: ${elapsed} ms, $((hosts * 1000 / (elapsed > 0 ? elapsed : 1))) connections/s (incl. process start)"

t0=$(ms)
DROVER_STATS=1 "$DROVER" adhoc all "${args[@]}" -m command -a true 2>&1 >/dev/null |
  sed -n 's/^drover stats: /drover command true: /p'
t1=$(ms)
echo "drover command true: $hosts hosts, forks $forks: $(((t1 - t0) / 1000000)) ms"

DROVER_ITEST_PORT=${SSHD_PORT[h1]} DROVER_ITEST_KEY=$T/id_ed25519 \
  DROVER_ITEST_KNOWN_HOSTS=$T/known_hosts DROVER_ITEST_DIR=$T DROVER_ITEST_USER=root \
  "$(dirname "$DROVER")/drover_connection_itest" --bench 500

if [[ ${BENCH_ANSIBLE:-0} == 1 ]]; then
  t0=$(ms)
  ansible all -i "$inventory" -e ansible_host=127.0.0.1 -u root --private-key "$T/id_ed25519" \
    --ssh-common-args="-o UserKnownHostsFile=$T/known_hosts" -f "$forks" -m ping >/dev/null
  t1=$(ms)
  echo "ansible ping: $hosts hosts, forks $forks: $(((t1 - t0) / 1000000)) ms"
  t0=$(ms)
  ANSIBLE_PIPELINING=True ansible all -i "$inventory" -e ansible_host=127.0.0.1 -u root \
    --private-key "$T/id_ed25519" --ssh-common-args="-o UserKnownHostsFile=$T/known_hosts" \
    -f "$forks" -m command -a true >/dev/null
  t1=$(ms)
  echo "ansible command true (pipelining): $hosts hosts, forks $forks: $(((t1 - t0) / 1000000)) ms"
fi
