#!/usr/bin/env bash
# Connection persistence (ControlPersist for drover's libssh sessions,
# connection/persisted_connection.h) against private sshds on 127.0.0.1:
# a second run makes no SSH login and prints what a DROVER_PERSIST=0 run
# prints; one holder per user/port/key; a host key changed in known_hosts
# ends the holder and the run reports the change as without persistence;
# a holder killed -9 or an sshd restarted leaves the next run working; the
# idle timeout; socket and directory modes and the peer-uid check; no
# password on a holder's command line or environment; an interrupted run
# leaves no command on the host; a large copy through a holder.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start a
sshd_start b
KH=$T/known_hosts
# Logins are counted from sshd's log: restart sshd a at LogLevel INFO
# ("Accepted publickey ..."), same port and key.
sshd_restart() {  # NAME
  local name=$1 port=${SSHD_PORT[$1]}
  sshd_kill "$name"
  sed -i 's/^LogLevel .*/LogLevel INFO/' "$T/sshd_$name.conf"
  /usr/sbin/sshd -D -e -f "$T/sshd_$name.conf" 2>>"$T/sshd_$name.log" &
  SSHD_PID[$name]=$!
  SSHD_PORT[$name]=$port
  sshd_wait_port "$port"
}
sshd_restart a
PA=${SSHD_PORT[a]}
PB=${SSHD_PORT[b]}
logins() { grep -c "Accepted " "$T/sshd_a.log" || true; }

U1=drp1$$
make_user "$U1" "pw-$U1-s3cret"
echo "$U1 ALL=(ALL:ALL) ALL" >"/etc/sudoers.d/$U1"
chmod 440 "/etc/sudoers.d/$U1"

# A home of its own: the holders' directory is ~/.drover/cp.
export HOME=$T/home
mkdir -p "$HOME" "$T/work"
chmod 700 "$HOME"
CP=$HOME/.drover/cp
cd "$T/work"
export DROVER_PERSIST=60

cp "$T/id_ed25519" "$T/id_copy"
inv() {  # NAME PORT USER [extra vars...]
  echo "$1 ansible_host=127.0.0.1 ansible_port=$2 ansible_user=$3 ansible_ssh_private_key_file=$T/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=$KH' ${*:4}" >"$T/inv_$1"
}
inv h1 "$PA" root
cat >"$T/play.yml" <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - file: {path: "$T/dest", state: directory}
    - copy: {content: "hello\n", dest: "$T/dest/hello.txt"}
    - lineinfile: {path: "$T/dest/lines.txt", line: "second", create: true}
    - command: echo persisted
      register: r
      changed_when: false
    - debug: {var: r.stdout}
EOF
play() {  # INVENTORY [args...] -> $T/out, $T/err, $rc
  set +e
  "$DROVER" playbook -i "$@" >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}
# Holders started by this test: drover processes run as `drover persist
# --holder` whose HOME is this test's.
holders() {
  local pid
  for pid in $(pgrep -f -- "persist --holder" || true); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "HOME=$T/home" && echo "$pid"
  done
  return 0
}
nsockets() { find "$CP" -maxdepth 1 -type s -name 'drover-*' 2>/dev/null | wc -l; }

# --- first run starts a holder (one login); the second makes none
play "$T/inv_h1" "$T/play.yml"
check "first run ok" test "$rc" -eq 0
check "first run: one login" test "$(logins)" -eq 1
check "a holder runs" test "$(holders | wc -l)" -eq 1
check "one socket" test "$(nsockets)" -eq 1
play "$T/inv_h1" "$T/play.yml"
cp "$T/out" "$T/out_persisted"
check "second run ok" test "$rc" -eq 0
check "second run: no new login" test "$(logins)" -eq 1
DROVER_PERSIST=0 play "$T/inv_h1" "$T/play.yml"
check "DROVER_PERSIST=0 logs in directly" test "$(logins)" -eq 2
check "output and recap identical to a run without persistence" \
  diff <(sed 's/[0-9.]*s)$//' "$T/out_persisted") <(sed 's/[0-9.]*s)$//' "$T/out")
check "recap says ok=5 changed=0" grep -q "ok=5 .*changed=0" "$T/out_persisted"

# --- socket and directory: private; another uid gets no answer
check "directory mode 700" test "$(stat -c %a "$CP")" = 700
check "socket mode 600" test "$(stat -c %a "$(find "$CP" -type s | head -1)")" = 600
sock=$(find "$CP" -type s | head -1)
chmod 755 "$HOME" "$HOME/.drover" "$CP"
chmod 666 "$sock"
peer_answer=$(setpriv --reuid="$U1" --regid="$U1" --clear-groups /usr/bin/python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(3)
s.connect(sys.argv[1])
try:
    s.sendall(b"h" + struct.pack("<I", 4) + struct.pack("<I", 1))
    print("refused" if len(s.recv(100)) == 0 else "answered")
except socket.timeout:
    print("timeout")
except OSError:
    print("refused")
' "$sock" 2>&1 || true)
chmod 700 "$HOME" "$HOME/.drover" "$CP"
chmod 600 "$sock"
check "another uid is refused (got: $peer_answer)" test "$peer_answer" = refused
play "$T/inv_h1" "$T/play.yml"
check "holder still serves its owner" test "$rc" -eq 0 -a "$(logins)" -eq 2

# --- different user, port, key: different holders; secrets never on argv/env
inv h1 "$PA" "$U1" "ansible_password=pw-$U1-s3cret ansible_become_password=pw-$U1-s3cret"
sed -i "s|ansible_ssh_private_key_file=[^ ]*||" "$T/inv_h1"
cat >"$T/become.yml" <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - command: id -un
      become: true
      register: who
      changed_when: false
    - assert: {that: who.stdout == "root"}
EOF
play "$T/inv_h1" "$T/become.yml"
check "password login + sudo password through a holder" test "$rc" -eq 0
check "password run: a second holder" test "$(nsockets)" -eq 2
play "$T/inv_h1" "$T/become.yml"
check "password holder reused (no new login)" test "$rc" -eq 0 -a "$(logins)" -eq 3
leak=0
for pid in $(holders); do
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -q "s3cret" && leak=1
  tr '\0' '\n' <"/proc/$pid/environ" | grep -q "s3cret" && leak=1
done
check "no password on a holder's command line or environment" test "$leak" -eq 0
check "holders' command line is the hidden subcommand" \
  bash -c "tr '\0' ' ' </proc/$(holders | head -1)/cmdline | grep -q 'drover persist --holder 3'"
inv h1 "$PB" root
play "$T/inv_h1" "$T/play.yml"
check "other port: ok, a third holder" test "$rc" -eq 0 -a "$(nsockets)" -eq 3
inv h1 "$PA" root
sed -i "s|$T/id_ed25519|$T/id_copy|" "$T/inv_h1"
play "$T/inv_h1" "$T/play.yml"
check "other key: a fourth holder" test "$rc" -eq 0 -a "$(nsockets)" -eq 4
inv h1 "$PA" root

# --- host key changed in known_hosts while a holder exists: the holder is
# ended; the run reports the change as a direct run does (unreachable, 4)
cp "$KH" "$T/kh_saved"
sed -i "s|^\[127.0.0.1\]:$PA .*|[127.0.0.1]:$PA $(cut -d' ' -f1,2 "$T/host_b.pub")|" "$KH"
play "$T/inv_h1" "$T/play.yml"
check "changed key: unreachable (rc 4, got $rc)" test "$rc" -eq 4
check "changed key: reported as without persistence" \
  grep -q "REMOTE HOST IDENTIFICATION HAS CHANGED" "$T/out" "$T/err"
cp "$T/kh_saved" "$KH"
play "$T/inv_h1" "$T/play.yml"
check "key restored: works again" test "$rc" -eq 0

# --- holder killed -9: the next run works and reports normally
before=$(logins)
for pid in $(holders); do kill -9 "$pid"; done
wait_for 5 test -z "$(holders)" || true
play "$T/inv_h1" "$T/play.yml"
check "after kill -9: ok" test "$rc" -eq 0
check "after kill -9: ok=5 in recap" grep -q "ok=5 " "$T/out"
check "after kill -9: a new login" test "$(logins)" -eq $((before + 1))

# --- sshd restarted (the holder's session is dead): the next run works
sshd_restart a
play "$T/inv_h1" "$T/play.yml"
check "after sshd restart: ok (rc $rc)" test "$rc" -eq 0
check "after sshd restart: no stale socket left beside the new one" test "$(nsockets)" -le 4

# --- a large file through the holder (streamed both ways)
head -c $((8 * 1024 * 1024 + 123)) /dev/urandom >"$T/big.bin"
cat >"$T/big.yml" <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - copy: {src: "$T/big.bin", dest: "$T/dest/big.bin"}
    - fetch: {src: "$T/dest/big.bin", dest: "$T/fetched/", flat: true}
EOF
before=$(logins)
play "$T/inv_h1" "$T/big.yml"
check "big copy ok (rc $rc)" test "$rc" -eq 0
check "big copy identical" cmp "$T/big.bin" "$T/dest/big.bin"
check "big fetch identical" cmp "$T/big.bin" "$T/fetched/big.bin"
check "big copy: no new login" test "$(logins)" -eq "$before"

# --- interrupt mid-command: nothing left running on the host; next run works
tag=$((5000 + RANDOM % 1000))
cat >"$T/slow.yml" <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - shell: "sleep ${tag}1"
EOF
set +e
"$DROVER" playbook -i "$T/inv_h1" "$T/slow.yml" >"$T/out" 2>"$T/err" &
dpid=$!
set -e
wait_for 20 pgrep -f "sleep ${tag}1" >/dev/null || true
check "slow command started on the host" pgrep -f "sleep ${tag}1"
kill -INT "$dpid"
set +e
wait "$dpid"
irc=$?
set -e
check "interrupted run exits 99 (got $irc)" test "$irc" -eq 99
gone() { ! pgrep -f "sleep ${tag}1" >/dev/null; }
check "no command left on the host" wait_for 10 gone
play "$T/inv_h1" "$T/play.yml"
check "after interrupt: next run ok" test "$rc" -eq 0

# --- idle timeout (2 s): the holder exits and removes its socket
"$DROVER" persist --stop >/dev/null
wait_for 5 test -z "$(holders)" || true
check "persist --stop ends every holder" test -z "$(holders)" -a "$(nsockets)" -eq 0
DROVER_PERSIST=2 play "$T/inv_h1" "$T/play.yml"
check "short idle: ok and a holder" test "$rc" -eq 0 -a "$(holders | wc -l)" -eq 1
sleep 4
check "idle timeout: holder gone" test -z "$(holders)"
check "idle timeout: socket removed" test "$(nsockets)" -eq 0
"$DROVER" persist --stop >/dev/null
finish
