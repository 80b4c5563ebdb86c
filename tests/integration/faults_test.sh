#!/usr/bin/env bash
# Faults (issue 19), against private sshds on 127.0.0.1:
#   - a command that hangs, with `timeout:`: the task fails with Ansible's
#     message and the command is killed with its children on the host;
#   - a host that dies mid-play (its sshd and sessions killed while a task
#     runs there): the others finish, the recap shows it unreachable, exit
#     code 4; once it is back, a rerun converges;
#   - 200 hosts of which 20 never answer (10 ports where nothing listens, 10
#     aliases of a socket that accepts and never says a word), --timeout 5:
#     the 180 others finish, total time bounded, peak memory reported.
# Stalled sessions and ServerAlive* are tests/integration/host_keys_stall_test.sh's.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
P=$T/project
D=$T/dest
mkdir -p "$P" "$D"
cd "$P"
ssh_vars="ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519"
common_args="ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'"
playbook() {  # ARGS...: rc in $rc, output in $T/out
  set +e
  timeout 300 "$DROVER" playbook "$@" >"$T/out" 2>&1
  rc=$?
  set -e
}

# --- a hanging command with `timeout:`: killed with its children
sshd_start a
mark=$((30000 + RANDOM))
cat >hosts <<EOF2
a ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[a]} $ssh_vars $common_args
EOF2
cat >hang.yml <<EOF2
- hosts: a
  gather_facts: false
  tasks:
    - shell: "sleep $mark & sleep $((mark + 1)); echo never"
      timeout: 3
EOF2
start=$SECONDS
playbook -i hosts hang.yml
took=$((SECONDS - start))
echo "hanging command, timeout: 3: ${took}s"
check "hang + timeout: ends in bounded time (${took}s)" test "$took" -lt 20
check "hang + timeout: Ansible's message (rc=$rc)" grep -q "failed to execute in the expected time frame (3)" "$T/out"
check "hang + timeout: exit code 2 (rc=$rc)" test "$rc" -eq 2
left=""
for _ in $(seq 40); do
  left=$(pgrep -f "sleep $mark|sleep $((mark + 1))" || true)
  [[ -z $left ]] && break
  sleep 0.1
done
check "hang + timeout: the command and its children are killed on the host (left: ${left:-none})" test -z "$left"
[[ -z $left ]] || kill $left 2>/dev/null || true

# --- a host dies mid-play; the others finish; a rerun converges
sshd_start b
sshd_start c
{
  for h in a b c; do
    echo "$h ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[$h]} $ssh_vars $common_args"
  done
} >hosts
cat >die.yml <<EOF2
- hosts: all
  gather_facts: false
  tasks:
    - copy: content="one\n" dest=$D/{{ inventory_hostname }}-1.txt
    - shell: "if [ {{ inventory_hostname }} = b ] && [ {{ slow }} = yes ]; then sleep $mark; fi; echo ok"
      changed_when: false
    - copy: content="two\n" dest=$D/{{ inventory_hostname }}-2.txt
EOF2
set +e
timeout 300 "$DROVER" playbook -i hosts die.yml -e slow=yes >"$T/out" 2>&1 &
run=$!
set -e
for _ in $(seq 200); do
  pgrep -f "sleep $mark" >/dev/null && break
  sleep 0.05
done
sshd_kill b  # the sshd and its sessions: the host is gone
pkill -KILL -f "sleep $mark" || true
set +e
wait "$run"
rc=$?
set -e
check "host dies: exit code 4 (rc=$rc)" test "$rc" -eq 4
check "host dies: the recap shows b unreachable" grep -qE "^b +: .*unreachable=1" "$T/out"
check "host dies: a finishes" grep -qE "^a +: ok=3 " "$T/out"
check "host dies: c finishes" grep -qE "^c +: ok=3 " "$T/out"
check "host dies: a and c wrote their files" test -f "$D/a-2.txt" -a -f "$D/c-2.txt"
# b comes back (same port, same host key) and a rerun converges
/usr/sbin/sshd -D -e -f "$T/sshd_b.conf" 2>>"$T/sshd_b.log" &
SSHD_PID[b]=$!
for _ in $(seq 100); do
  (echo >/dev/tcp/127.0.0.1/"${SSHD_PORT[b]}") 2>/dev/null && break
  sleep 0.05
done
playbook -i hosts die.yml -e slow=no
check "rerun: succeeds (rc=$rc)" test "$rc" -eq 0
check "rerun: b catches up (changed=1, its second file)" grep -qE "^b +: ok=3 +changed=1 " "$T/out"
check "rerun: a and c unchanged" test "$(grep -cE '^[ac] +: ok=3 +changed=0 ' "$T/out")" -eq 2
check "rerun: b wrote its file" test -f "$D/b-2.txt"

# --- 200 hosts, 20 never answer
sshd_start many
# A socket that accepts connections (the kernel's backlog) and never answers.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(200)
print(s.getsockname()[1], flush=True); time.sleep(600)' >"$T/tarpit.port" &
EXTRA_PIDS+=($!)
for _ in $(seq 100); do [[ -s $T/tarpit.port ]] && break; sleep 0.05; done
tarpit=$(cat "$T/tarpit.port")
{
  echo "[live]"
  for i in $(seq -w 1 180); do
    echo "live$i ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[many]}"
  done
  echo "[dead]"
  for i in $(seq -w 1 10); do echo "refused$i ansible_host=127.0.0.1 ansible_port=$(free_port)"; done
  for i in $(seq -w 1 10); do echo "silent$i ansible_host=127.0.0.1 ansible_port=$tarpit"; done
  echo "[all:vars]"
  echo "ansible_user=root"
  echo "ansible_ssh_private_key_file=$T/id_ed25519"
  echo "ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'"
} >many
cat >many.yml <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - command: echo "{{ inventory_hostname }}"
      changed_when: false
EOF2
start=$SECONDS
set +e
/usr/bin/time -v -o "$T/time.txt" timeout 300 "$DROVER" playbook -i many many.yml -f 20 --timeout 5 >"$T/out" 2>&1
rc=$?
set -e
took=$((SECONDS - start))
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time.txt")
echo "200 hosts, 20 never answer, -f 20 --timeout 5: ${took}s, peak RSS $((rss_kb / 1024)) MB"
check "200 hosts: exit code 4 (rc=$rc)" test "$rc" -eq 4
check "200 hosts: the 180 live ones are ok ($(grep -cE '^live[0-9]+ +: ok=1 .*unreachable=0' "$T/out"))" \
  test "$(grep -cE '^live[0-9]+ +: ok=1 .*unreachable=0' "$T/out")" -eq 180
check "200 hosts: the 20 dead ones are unreachable ($(grep -cE '^(refused|silent)[0-9]+ +: .*unreachable=1' "$T/out"))" \
  test "$(grep -cE '^(refused|silent)[0-9]+ +: .*unreachable=1' "$T/out")" -eq 20
check "200 hosts: bounded total time (${took}s)" test "$took" -lt 180
check "200 hosts: bounded memory ($((rss_kb / 1024)) MB)" test "$rss_kb" -lt $((512 * 1024))
finish
