#!/usr/bin/env bash
# Benchmark (not a test): the same playbook with drover and ansible-playbook
# against N private sshd hosts on 127.0.0.1, in the same run, so the ratio is
# meaningful on a shared machine. Run as root after `make`:
#   tools/bench/playbook_bench.sh [HOSTS=5] [TASKS=20]
# The playbook is TASKS tasks on every host, a third each of command: true,
# copy and template; the timed run is the second one, where the copies and
# templates are unchanged. Facts are off for both. Reports wall time for each and drover's round trips per task per host
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
echo 'port={{ ansible_port }} name={{ inventory_hostname }}' >"$T/bench.conf.j2"
{
  echo "- hosts: bench"
  echo "  gather_facts: false"
  echo "  tasks:"
  for i in $(seq "$tasks"); do
    case $((i % 3)) in
      0) echo "    - command: 'true'"
         echo "      changed_when: false" ;;
      1) echo "    - copy: {content: \"line $i\\n\", dest: \"$T/out-{{ inventory_hostname }}-$i\"}" ;;
      2) echo "    - template: {src: $T/bench.conf.j2, dest: \"$T/out-{{ inventory_hostname }}-$i.conf\"}" ;;
    esac
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
echo "drover:           ${d} ms ($(python3 -c "print('%.2f' % ($trips / ($hosts * $tasks)))") round trips per task per host, connections included)"
echo "ansible-playbook: ${a} ms (pipelining on)"
python3 -c "print('ratio: %.1fx' % ($a / max($d, 1)))"
