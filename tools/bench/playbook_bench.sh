#!/usr/bin/env bash
# Benchmark (not a test): the same playbook with drover and ansible-playbook
# against N private sshd hosts on 127.0.0.1, in the same run, so the ratio is
# meaningful on a shared machine. Run as root after `make`:
#   tools/bench/playbook_bench.sh [HOSTS=5] [TASKS=20]
# The playbook is TASKS tasks (command: true, and, once the module library
# has them, an unchanged copy and template) on every host; facts are off for
# both. Reports wall time for each and drover's round trips per task per host
# (DROVER_STATS). Each tool runs once to warm up, then is timed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DROVER="$PWD/build/drover"
hosts=${1:-5}
tasks=${2:-20}
source tests/integration/sshd_lib.sh
sshd_setup
inv=$T/hosts
echo "[bench]" >"$inv"
for i in $(seq "$hosts"); do
  sshd_start "h$i"
  echo "h$i ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h$i]}" >>"$inv"
done
cat >>"$inv" <<EOF2
[bench:vars]
ansible_user=root
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
EOF2
{
  echo "- hosts: bench"
  echo "  gather_facts: false"
  echo "  tasks:"
  for i in $(seq "$tasks"); do
    echo "    - name: task $i"
    echo "      command: 'true'"
    echo "      changed_when: false"
  done
} >"$T/bench.yml"

run() {  # label command...
  "${@:2}" >"$T/$1.log" 2>&1 || { cat "$T/$1.log"; exit 1; }
  local t0 t1
  t0=$(date +%s%N)
  "${@:2}" >"$T/$1.log" 2>&1
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
export HOME=$T ANSIBLE_LOCAL_TEMP=$T/ansible-tmp ANSIBLE_NOCOLOR=1
d=$(DROVER_STATS=1 run drover "$DROVER" playbook -i "$inv" "$T/bench.yml" -f "$hosts")
a=$(ANSIBLE_PIPELINING=True run ansible ansible-playbook -i "$inv" "$T/bench.yml" -f "$hosts")
trips=$(grep -o '[0-9]* round trips' "$T/drover.log" | cut -d' ' -f1)
echo "hosts=$hosts tasks=$tasks"
echo "drover:           ${d} ms ($((trips / (hosts * tasks))) round trips per task per host)"
echo "ansible-playbook: ${a} ms (pipelining on)"
python3 -c "print('ratio: %.1fx' % ($a / max($d, 1)))"
