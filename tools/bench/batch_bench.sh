#!/usr/bin/env bash
# Benchmark (not a test) of batching on issue 21's mix-50: 4 private sshd
# hosts on 127.0.0.1, a play of 50 tasks (10 each of file state=directory,
# copy content=, lineinfile, template with a loop of 2, command `true` with
# changed_when: false), in the ORDER given (interleaved: file, copy,
# lineinfile, template, command, ...; or grouped: ten of each in a row).
# For the no-change rerun, with batching on and off: wall time, round trips
# per host-task (DROVER_STATS), host processes per host-task (forks counted
# by strace on the sshds, less what logging in costs) and controller CPU;
# wall times are under strace (slower than without). Run as root
# after `make build`:   [BENCH_HOSTS=4] tools/bench/batch_bench.sh [interleaved|grouped] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DROVER="${DROVER:-$PWD/build/drover}"
order=${1:-interleaved}
runs=${2:-3}
hosts=${BENCH_HOSTS:-4}  # BENCH_HOSTS=1: one host (no other host's write voids a fused batch)
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
echo 'name={{ inventory_hostname }} item={{ item }}' >"$T/t.j2"
task() {  # kind index
  local d="$T/w/{{ inventory_hostname }}"
  case $1 in
    0) echo "    - file: {path: \"$d/dir$2\", state: directory}" ;;
    1) echo "    - copy: {content: \"copy $2\\n\", dest: \"$d/copy$2\"}" ;;
    2) echo "    - lineinfile: {path: \"$d/lines\", line: \"line $2\", create: true}" ;;
    3) echo "    - template: {src: $T/t.j2, dest: \"$d/t$2-{{ item }}\"}"
       echo "      loop: [a, b]" ;;
    4) echo "    - command: 'true'"
       echo "      changed_when: false" ;;
  esac
}
{
  echo "- hosts: bench"
  echo "  gather_facts: false"
  echo "  tasks:"
  echo "    - file: {path: \"$T/w/{{ inventory_hostname }}\", state: directory}"
  if [[ $order == grouped ]]; then
    for k in 0 1 2 3 4; do for i in $(seq 10); do task "$k" "$i"; done; done
  else
    for i in $(seq 10); do for k in 0 1 2 3 4; do task "$k" "$i"; done; done
  fi
} >"$T/mix50.yml"
export HOME=$T
"$DROVER" playbook -i "$inv" "$T/mix50.yml" -f "$hosts" >"$T/fresh.log" 2>&1 || {
  cat "$T/fresh.log"
  exit 1
}

measure() {  # batch(1/0) [playbook] -> "ms trips forks cpu_ms"
  local batch=$1 pb=${2:-$T/mix50.yml} pids=() t0 t1 out
  for name in "${!SSHD_PID[@]}"; do
    [[ -z ${NO_STRACE:-} ]] || break
    strace -f -qq -c -e trace=fork,vfork,clone,clone3 -o "$T/strace.$name" \
      -p "${SSHD_PID[$name]}" &
    pids+=($!)
  done
  sleep 0.5
  t0=$(date +%s%N)
  out=$( { /usr/bin/time -f 'CPU %U %S' env DROVER_BATCH="$batch" DROVER_STATS=1 \
    "$DROVER" playbook -i "$inv" "$pb" -f "$hosts" >"$T/rerun.log"; } 2>&1)
  t1=$(date +%s%N)
  for p in "${pids[@]}"; do kill -INT "$p"; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -z ${NO_STRACE:-} ]] || rm -f "$T"/strace.*
  grep -q 'changed=0 ' "$T/rerun.log" || { cat "$T/rerun.log"; exit 1; }
  local trips forks cpu
  trips=$(grep -o '[0-9]* round trips' <<<"$out" | cut -d' ' -f1)
  forks=$({ cat "$T"/strace.* 2>/dev/null || true; } | awk '$NF ~ /^(fork|vfork|clone|clone3)$/ {n += $4} END {print n + 0}')
  cpu=$(awk '/^CPU/ {printf "%d", ($2 + $3) * 1000}' <<<"$out")
  echo "$(((t1 - t0) / 1000000)) $trips $forks $cpu"
}
# Logging in costs host processes too (root's .bashrc may run shell
# initialisation, e.g. a Python version manager, ~100 forks per login
# here): measured once with a play of its first task only, and subtracted.
head -5 "$T/mix50.yml" >"$T/login.yml"
read -r _ _ login_forks _ < <(measure 1 "$T/login.yml")
echo "login (+1 file task) per run: $login_forks host processes, subtracted below"
host_tasks=$((hosts * 61))  # 1 + 10*5 tasks, templates loop twice: 61 module runs per host
echo "mix-50 ($order), $hosts hosts, no-change rerun; per host-task = per module run ($host_tasks)"
for batch in 0 1; do
  for r in $(seq "$runs"); do
    read -r ms trips forks cpu < <(measure "$batch")
    forks=$((forks - login_forks))
    python3 -c "
ht=$host_tasks
print('batch=$batch run=$r: %5d ms  %.3f round trips/host-task  %.2f host processes/host-task  CPU %d ms (%.2f ms/host-task)' % ($ms, $trips/ht, $forks/ht, $cpu, $cpu/ht))"
  done
done
echo "wall time without strace (batch=0 then 1):"
for batch in 0 1; do
  for r in $(seq "$runs"); do
    read -r ms _ < <(NO_STRACE=1 measure "$batch")
    echo "batch=$batch run=$r: $ms ms"
  done
done
