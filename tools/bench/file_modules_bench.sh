#!/usr/bin/env bash
# Benchmark (not a test): time per unchanged file-module task (stat, file,
# copy, template, lineinfile, blockinfile, replace; each needs one round trip
# when unchanged) on N
# private sshd hosts on 127.0.0.1, through `drover playbook`. Run as root
# after `make`:  tools/bench/file_modules_bench.sh [HOSTS=10]   (REPS=10 tasks per
# module; BENCH_ANSIBLE=1 also times ansible-playbook on the same playbook.)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DROVER="$PWD/build/drover"
hosts=${1:-10}
source tests/integration/sshd_lib.sh
sshd_setup
inventory=""
for i in $(seq "$hosts"); do
  sshd_start "h$i"
  inventory+="h$i:${SSHD_PORT[h$i]},"
done
D=$T/bench
mkdir -p "$D/templates"
printf 'v={{ 1 + 1 }}\n' >"$D/templates/t.j2"
printf '[all]\n' >"$D/hosts"
for i in $(seq "$hosts"); do
  echo "h$i ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h$i]} ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'" >>"$D/hosts"
done
reps=${REPS:-10}
{
  echo "- hosts: all"
  echo "  gather_facts: false"
  echo "  tasks:"
  echo "    - file: path=$D/out state=directory"
  for m in "stat: path=$D/out/f" "file: path=$D/out/dir state=directory mode=0755" \
    "copy: content=hello dest=$D/out/f mode=0644" "template: src=t.j2 dest=$D/out/t" \
    "lineinfile: path=$D/out/l line=world create=true" \
    "blockinfile: path=$D/out/b block=world create=true" \
    "replace: path=$D/out/b regexp=^nomatch replace=x"; do
    for _ in $(seq "$reps"); do echo "    - $m"; done
  done
} >"$D/pb.yml"
ms() { date +%s%N; }
timeit() {  # label command...
  local t0 t1
  "$@" >/dev/null 2>&1 || true  # first run creates
  t0=$(ms)
  "$@" >"$D/last" 2>&1 || { echo "${1##*/} failed:"; tail -5 "$D/last"; }
  t1=$(ms)
  local total=$(((t1 - t0) / 1000000)) tasks=$((7 * reps + 1))
  echo "${1##*/}: $hosts hosts x $tasks unchanged tasks: $total ms ($((total * 1000 / tasks)) us per task per all hosts)"
}
timeit "$DROVER" playbook -f "$hosts" -i "$D/hosts" "$D/pb.yml"
if [[ ${BENCH_ANSIBLE:-0} == 1 ]]; then
  export ANSIBLE_HOST_KEY_CHECKING=False
  timeit ansible-playbook -f "$hosts" -i "$D/hosts" "$D/pb.yml"
fi
