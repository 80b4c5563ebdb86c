#!/usr/bin/env bash
# Probe (not a test, not in `make test`): how many hosts one drover controller
# drives at once. One play with forks = N against N inventory hosts that all
# point at ONE private sshd on 127.0.0.1 (MaxStartups raised so that it
# accepts N logins at once), each host with its own working directory
# variable, logging in as a throwaway user whose shell is /bin/sh (no
# .bashrc work per login). Run as root after `make`:
#   tools/bench/scale_probe.sh [N...]        (default: 10 200 500)
# For each N: a fresh run (changes everything) and a no-change rerun; prints
# wall seconds, drover's peak RSS (VmHWM), peak threads and open file
# descriptors (sampled every 0.1 s from /proc), connections and round trips,
# the recap's failed/unreachable hosts, and the load average. Memory per
# session is the slope of peak RSS between two N.
# TASKS (default 5) sets the tasks per play; TIMEOUT (default 10) drover's -T.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DROVER="$PWD/build/drover"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10 200 500)
tasks=${TASKS:-5}
timeout=${TIMEOUT:-10}
source tests/integration/sshd_lib.sh
sshd_setup
user=drscale$$
make_user "$user" "x$RANDOM$RANDOM"
home=$(getent passwd "$user" | cut -d: -f6)

# One sshd for every host: N logins at once must not be dropped by the
# MaxStartups throttle (default 10:30:100).
port=$(free_port)
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key"
cat >"$T/sshd.conf" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile none
AuthorizedKeysFile $T/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 10000
MaxSessions 1000
LoginGraceTime 300
LogLevel ERROR
CONF
/usr/sbin/sshd -D -e -f "$T/sshd.conf" 2>>"$T/sshd.log" &
SSHD_PID[scale]=$!
for _ in $(seq 100); do
  (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  sleep 0.05
done
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$T/host_key.pub")" >>"$T/known_hosts"

{
  echo "- hosts: fleet"
  echo "  gather_facts: false"
  echo "  tasks:"
  echo "    - file: {path: '{{ work }}', state: directory}"
  for i in $(seq 2 "$tasks"); do
    case $((i % 3)) in
      0) echo "    - copy: {content: 'task $i {{ inventory_hostname }}', dest: '{{ work }}/f$i'}" ;;
      1) echo "    - lineinfile: {path: '{{ work }}/conf', line: 'k$i=v', create: true}" ;;
      2) echo "    - command: 'true'"
         echo "      changed_when: false" ;;
    esac
  done
} >"$T/play.yml"

# sample PID: max VmHWM (kB), threads and fds while PID lives -> $T/sample
sample() {
  set +e  # the process may end between two reads
  local pid=$1 hwm=0 thr=0 fds=0 v
  while [[ -d /proc/$pid ]]; do
    v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    ((${v:-0} > hwm)) && hwm=$v
    v=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    ((${v:-0} > thr)) && thr=$v
    v=$( (ls "/proc/$pid/fd" 2>/dev/null || true) | wc -l)
    ((v > fds)) && fds=$v
    sleep 0.1
  done
  echo "$hwm $thr $fds" >"$T/sample"
}

printf '%-6s %-8s %8s %10s %8s %6s %6s %-26s %s\n' hosts run wall_s peak_rss_MB threads fds rc "connections/round trips" load
for n in "${sizes[@]}"; do
  inv=$T/hosts$n
  {
    echo "[fleet]"
    for i in $(seq "$n"); do echo "h$i"; done
    cat <<EOF2
[fleet:vars]
ansible_host=127.0.0.1
ansible_port=$port
ansible_user=$user
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
work=$home/w/{{ inventory_hostname }}
EOF2
  } >"$inv"
  rm -rf "$home/w"
  for run in fresh rerun; do
    start=$(date +%s.%N)
    DROVER_STATS=1 "$DROVER" playbook -i "$inv" -f "$n" -T "$timeout" "$T/play.yml" \
      >"$T/out$n$run" 2>"$T/err$n$run" &
    pid=$!
    sample "$pid" &
    sampler=$!
    : >"$T/sshd.log"
    rc=0
    wait "$pid" || rc=$?
    wait "$sampler"
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    read -r hwm thr fds <"$T/sample"
    stats=$(sed -n 's/^drover stats: //p' "$T/err$n$run")
    bad=$(grep -cE ' (unreachable=[1-9]|failed=[1-9])' "$T/out$n$run" || true)
    printf '%-6s %-8s %8.2f %10.1f %8s %6s %6s %-26s %s\n' "$n" "$run" "$wall" "$(echo "$hwm / 1024" | bc -l)" \
      "$thr" "$fds" "$rc" "${stats/ connections, /\/}" "$(cut -d' ' -f1-3 /proc/loadavg)"
    if [[ $bad -gt 0 ]]; then
      echo "  $bad hosts failed or unreachable; first messages:"
      grep -hE '^(fatal|ERROR)' "$T/out$n$run" "$T/err$n$run" | sed 's/^fatal: \[[^]]*\]/fatal: [host]/' |
        sort | uniq -c | sort -rn | head -3 | cut -c1-300
      echo "  sshd's log:"
      sort "$T/sshd.log" | uniq -c | sort -rn | head -5 | cut -c1-300
    fi
  done
done
rm -rf "$home/w"
