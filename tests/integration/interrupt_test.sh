#!/usr/bin/env bash
# Interrupting `drover playbook` (SIGINT) against a private sshd host: as
# ansible-playbook, "User interrupted execution" and exit code 99; drover
# also prints the recap so far, ends the JSON log with its recap event, and
# stops the in-flight task's processes on the host (the persistent shell
# and everything below it). A second SIGINT exits at once.
# Also: a file that includes itself through include_tasks stops with the
# chain of includes, in bounded time and memory.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start h1
P=$T/project
mkdir -p "$P"
cat >"$P/hosts" <<EOF2
h1 ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h1]} ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
EOF2
# Unique sleep durations name this test's host processes.
tag=$((3000 + RANDOM % 1000))
cat >"$P/slow.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - name: first
      debug: msg=started
    - name: slow
      shell: "sleep ${tag}1 & sleep ${tag}2; wait"
    - name: never
      debug: {msg: not reached}
EOF2
host_procs() { pgrep -f "sleep ${tag}[12]" || true; }
started() { [[ -n $(host_procs) ]]; }
gone() { [[ -z $(host_procs) ]]; }
# drover's persistent shells below this test's sshd (other runs on the
# machine have theirs).
our_shells() {
  local pid ppid args up
  while read -r pid ppid args; do
    [[ $args == "/bin/sh -s drover-shell-"* ]] || continue
    up=$(ps -o ppid= -p "$ppid" 2>/dev/null | tr -d ' ')
    [[ $ppid == "${SSHD_PID[h1]}" || $up == "${SSHD_PID[h1]}" ]] && echo "$pid"
  done < <(ps -eo pid=,ppid=,args=)
  return 0
}
had_shell() { [[ -n $(our_shells) ]]; }
no_shell() { [[ -z $(our_shells) ]]; }

# One SIGINT while "slow" runs.
(cd "$P" && exec "$DROVER" playbook -i hosts slow.yml --json-log "$T/events.jsonl") >"$T/out" 2>"$T/err" &
pid=$!
EXTRA_PIDS+=("$pid")
check "the slow task started on the host" wait_for 30 started || true
check "drover's shell runs on the host (the probe below can fail)" had_shell
((failed == 0)) || { ps -eo pid,ppid,args | grep -E "sleep|drover" >&2; cat "$T/out" "$T/err" >&2; }
kill -INT "$pid"
start=$(date +%s%N)
set +e
wait_for 20 bash -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
rc=$?
set -e
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "interrupt: exit $rc after ${elapsed_ms} ms"
check "exit code 99 as ansible-playbook (got $rc)" test "$rc" -eq 99
check "stderr says User interrupted execution" grep -qF "User interrupted execution" "$T/err"
check "the recap so far is printed" grep -qE "^h1 +: ok=1 " "$T/out"
check "no task after the interrupt started" bash -c "! grep -q 'TASK \[never\]' '$T/out'"
check "the JSON log ends with the recap event" bash -c "tail -n1 '$T/events.jsonl' | python3 -c 'import json,sys; e=json.loads(sys.stdin.read()); assert e[\"event\"]==\"recap\", e'"
check "drover recap refuses the interrupted log, naming it" bash -c "
  '$DROVER' recap '$T/events.jsonl' 2>&1 >/dev/null | grep -qF '$T/events.jsonl: the run was interrupted (SIGINT)'"
check "the task's processes on the host are stopped" wait_for 10 gone
check "drover's shell on the host is gone" wait_for 10 no_shell

# Two SIGINTs: the second exits at once.
(cd "$P" && exec "$DROVER" playbook -i hosts slow.yml) >"$T/out2" 2>"$T/err2" &
pid=$!
EXTRA_PIDS+=("$pid")
check "second run: the slow task started" wait_for 30 started
kill -INT "$pid"
kill -INT "$pid"
set +e
wait_for 5 bash -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
rc=$?
set -e
check "second SIGINT: exit 99 (got $rc)" test "$rc" -eq 99
check "second SIGINT: message" grep -qF "User interrupted execution" "$T/err2"
wait_for 10 gone || pkill -f "sleep ${tag}[12]" || true  # this test's own processes only

# A local task (-c local): its command and what it started are stopped too
# (they run in a process group of their own); a second SIGINT kills them.
cat >"$P/local.yml" <<EOF2
- hosts: localhost
  gather_facts: false
  tasks:
    - shell: "sleep ${tag}1 & sleep ${tag}2; wait"
    - debug: {msg: not reached}
EOF2
for signals in 1 2; do
  wait_for 5 gone || true  # earlier runs' processes, killed above, are gone
  (cd "$P" && exec "$DROVER" playbook -i localhost, -c local local.yml) >"$T/out4" 2>"$T/err4" &
  pid=$!
  EXTRA_PIDS+=("$pid")
  check "local ($signals SIGINT): the task started" wait_for 30 started
  for ((i = 0; i < signals; i++)); do kill -INT "$pid" || cat "$T/out4" "$T/err4" >&2; done
  set +e
  wait_for 10 bash -c "! kill -0 $pid 2>/dev/null"
  wait "$pid"
  rc=$?
  set -e
  check "local ($signals SIGINT): exit 99 (got $rc)" test "$rc" -eq 99
  check "local ($signals SIGINT): the command's processes are stopped" wait_for 5 gone
  check "local ($signals SIGINT): the message" grep -qF "User interrupted execution" "$T/err4"
  if ((signals == 1)); then
    check "local: the recap so far" grep -qE "^localhost +: ok=0 +changed=0 +unreachable=0 +failed=1 " "$T/out4"
  fi
  gone || pkill -f "sleep ${tag}[12]" || true
done

# include_tasks of itself: an error with the chain, bounded.
cat >"$P/self.yml" <<'EOF2'
- debug: msg=again
- include_tasks: self.yml
EOF2
cat >"$P/loop.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - include_tasks: self.yml
EOF2
start=$(date +%s%N)
set +e
# Memory bound: 2 GB of address space, or ASan's RSS limit under the
# sanitizers (which reserve terabytes of address space).
if [[ -n ${DROVER_SANITIZED:-} ]]; then
  (cd "$P" && ASAN_OPTIONS="${ASAN_OPTIONS:-}:hard_rss_limit_mb=2000" timeout 120 "$DROVER" playbook -i hosts loop.yml)
else
  (cd "$P" && ulimit -v 2000000 && timeout 120 "$DROVER" playbook -i hosts loop.yml)
fi >"$T/out3" 2>"$T/err3"
rc=$?
set -e
echo "include loop: exit $rc after $((($(date +%s%N) - start) / 1000000)) ms"
check "include loop: a clear failure, not a crash (got $rc)" test "$rc" -ge 1 -a "$rc" -lt 124
check "include loop: the message" grep -qF "includes nested more than 100 deep" "$T/err3"
check "include loop: the chain starts at the play" grep -qF "include_tasks at loop.yml:4:7" "$T/err3"
check "include loop: the chain names the looping file" grep -qE "include_tasks at (/.*/)?self.yml:2:3" "$T/err3"
finish
