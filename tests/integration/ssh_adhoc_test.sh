#!/usr/bin/env bash
# `drover adhoc` against private sshd instances on 127.0.0.1: key, password
# and agent auth; host-key policy (unknown, accept-new, changed, disabled);
# a host dying mid-run; a connect timeout; become with and without a
# password (sudo and su); exit codes and Ansible-shaped output.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start a
sshd_start b
PA=${SSHD_PORT[a]}
PB=${SSHD_PORT[b]}
KH=$T/known_hosts
U1=drv1$$
U2=drv2$$
make_user "$U1" "pw-$U1-secret"
make_user "$U2" "pw-$U2-secret"
echo "$U1 ALL=(ALL:ALL) ALL" >"/etc/sudoers.d/$U1"
chmod 440 "/etc/sudoers.d/$U1"

# adhoc ARGS...: runs drover adhoc, capturing stdout ($T/out), stderr ($T/err), $rc.
adhoc() {
  set +e
  "$DROVER" adhoc "$@" >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}
common=(--ssh-common-args "-o UserKnownHostsFile=$KH")
has() { grep -qF -- "$1" "$T/out"; }
err_has() { grep -qF -- "$1" "$T/err"; }

# --- key auth, output shapes, exit codes
adhoc all -i "127.0.0.1:$PA," -u root --private-key "$T/id_ed25519" "${common[@]}" -m ping
check "key auth ping" has "127.0.0.1 | SUCCESS => {"
check "ping answers pong" has '"ping": "pong"'
check "ping exit 0" test "$rc" -eq 0
adhoc all -i "127.0.0.1:$PA," -u root --private-key "$T/id_ed25519" "${common[@]}" \
  -m shell -a 'echo out; echo err >&2; exit 3'
check "failed shell shape" has "127.0.0.1 | FAILED | rc=3 >>"
check "failed shell output" grep -q '^out' "$T/out"
check "failed shell exit 2" test "$rc" -eq 2
adhoc all -i "127.0.0.1:$PA," -u root --private-key "$T/id_ed25519" "${common[@]}" \
  -a 'printf %s "a  b"'
check "command keeps argument" has "a  b"
check "command changed" has "| CHANGED | rc=0 >>"

# --- ssh config (-F): Host alias, HostName, Port, User, IdentityFile; inventory wins
cat >"$T/ssh_config" <<CONF
Host alias-a
  HostName 127.0.0.1
  Port $PA
  User root
  IdentityFile $T/id_ed25519
  UserKnownHostsFile $KH
CONF
adhoc alias-a -i 'alias-a,' --ssh-common-args "-F $T/ssh_config" -a 'id -un'
check "ssh config Host block honoured" grep -qx root "$T/out"
adhoc alias-a -i 'alias-a,' --ssh-common-args "-F $T/ssh_config" -e "ansible_user=$U1" \
  -e "ansible_password=pw-$U1-secret" -a 'id -un'
check "inventory user wins over ssh config" grep -qx "$U1" "$T/out"

# --- an encrypted key: its passphrase is asked once, before any worker
# (setsid: no terminal, so the prompt reads stdin)
ssh-keygen -q -t ed25519 -N 'kp-secret' -f "$T/enc_key"
cat "$T/enc_key.pub" >>"$T/authorized_keys"
set +e
echo 'kp-secret' | setsid -w "$DROVER" adhoc all -i "127.0.0.1:$PA,127.0.0.2:$PA," -u root \
  --private-key "$T/enc_key" -e ansible_host=127.0.0.1 "${common[@]}" -a 'id -un' \
  >"$T/out" 2>"$T/err"
set -e
check "encrypted key with passphrase" test "$(grep -cx root "$T/out")" -eq 2
check "passphrase prompt once" test "$(grep -c 'Enter passphrase' "$T/err")" -eq 1
set +e
echo 'not-it-9z' | setsid -w "$DROVER" adhoc all -i "127.0.0.1:$PA," -u root \
  --private-key "$T/enc_key" "${common[@]}" -a 'id -un' >"$T/out" 2>"$T/err"
set -e
check "wrong passphrase is unreachable" has "wrong passphrase"

# --- ProxyCommand: reach b through a (ssh -W on a)
proxy="ssh -q -i $T/id_ed25519 -o UserKnownHostsFile=$KH -o BatchMode=yes -p $PA -W %h:%p root@127.0.0.1"
adhoc all -i "127.0.0.1:$PB," -u root --private-key "$T/id_ed25519" \
  --ssh-common-args "-o UserKnownHostsFile=$KH -o 'ProxyCommand=$proxy'" -a 'id -un'
check "ProxyCommand honoured" grep -qx root "$T/out"
adhoc all -i "127.0.0.1:$PB," -u root --private-key "$T/id_ed25519" \
  --ssh-common-args "-o UserKnownHostsFile=$KH -o 'ProxyCommand=false'" -a 'id -un'
check "a failing ProxyCommand is unreachable" has "| UNREACHABLE! =>"

# --- password auth (no key, no agent)
adhoc all -i "127.0.0.1:$PA," -u "$U1" -e "ansible_password=pw-$U1-secret" "${common[@]}" -a 'id -un'
check "password auth" grep -qx "$U1" "$T/out"
adhoc all -i "127.0.0.1:$PA," -u "$U1" -e "ansible_password=wrong-$U1" "${common[@]}" -a 'id -un'
check "wrong password is unreachable" has "| UNREACHABLE! =>"
check "wrong password exit 4" test "$rc" -eq 4
check "password never printed" bash -c "! grep -q 'wrong-$U1' '$T/out' '$T/err'"
adhoc all -i "127.0.0.1:$PA," -u "$U1" "${common[@]}" -a 'id -un'
check "no credentials: permission denied" has "Permission denied"

# --- agent auth
eval "$(ssh-agent -s)" >/dev/null
EXTRA_PIDS+=("$SSH_AGENT_PID")
ssh-add -q "$T/id_ed25519" 2>/dev/null
adhoc all -i "127.0.0.1:$PA," -u root "${common[@]}" -a 'id -un'
check "agent auth" grep -qx root "$T/out"
kill "$SSH_AGENT_PID"
unset SSH_AUTH_SOCK SSH_AGENT_PID
key=(-u root --private-key "$T/id_ed25519")

# --- host keys: unknown refused, accepted with the flag and recorded
: >"$T/kh_new"
newkh=(--ssh-common-args "-o UserKnownHostsFile=$T/kh_new")
adhoc all -i "127.0.0.1:$PA," "${key[@]}" "${newkh[@]}" -m ping
check "unknown host refused" has "| UNREACHABLE! =>"
check "unknown host shows fingerprint" has "SHA256:"
check "unknown host says how to accept" has "--accept-new-host-keys"
check "unknown host exit 4" test "$rc" -eq 4
adhoc all -i "127.0.0.1:$PA," "${key[@]}" "${newkh[@]}" -m ping --accept-new-host-keys
check "accept-new connects" has '"ping": "pong"'
check "accept-new recorded" grep -q "^\[127.0.0.1\]:$PA " "$T/kh_new"
check "accept-new is reported" err_has "added"
adhoc all -i "127.0.0.1:$PA," "${key[@]}" "${newkh[@]}" -m ping
check "recorded key accepted later" has '"ping": "pong"'

# --- changed key: always refused, naming the line
ssh-keygen -q -t ed25519 -N '' -f "$T/other_key"
{ echo "# first line"; echo "[127.0.0.1]:$PA $(cut -d' ' -f1,2 "$T/other_key.pub")"; } >"$T/kh_changed"
chkh=(--ssh-common-args "-o UserKnownHostsFile=$T/kh_changed")
adhoc all -i "127.0.0.1:$PA," "${key[@]}" "${chkh[@]}" -m ping --accept-new-host-keys
check "changed key refused" has "HAS CHANGED"
check "changed key names the line" has "$T/kh_changed:2"
check "changed key exit 4" test "$rc" -eq 4
check "changed key not overwritten" test "$(wc -l <"$T/kh_changed")" -eq 2

# --- checking disabled, loudly
: >"$T/kh_empty"
ANSIBLE_HOST_KEY_CHECKING=False adhoc all -i "127.0.0.1:$PA," "${key[@]}" \
  --ssh-common-args "-o UserKnownHostsFile=$T/kh_empty" -m ping
check "checking disabled connects" has '"ping": "pong"'
check "checking disabled warns" err_has "host key checking is disabled"
adhoc all -i "127.0.0.1:$PA," "${key[@]}" \
  --ssh-common-args "-o UserKnownHostsFile=$KH -o ControlMaster=auto -o ControlPersist=60s" -m ping
check "unmapped -o reported once" test "$(grep -c 'ControlMaster=auto' "$T/err")" -eq 1

# --- a host dies mid-run; one never answered; the others finish
dead_port=$(free_port)
{
  adhoc all -f 5 -i "h1:$PA,h2:$PB,h3:$dead_port," -e ansible_host=127.0.0.1 "${key[@]}" \
    "${common[@]}" -m shell -a "set -- \$SSH_CONNECTION; touch $T/started.\$4; sleep 2; echo finished"
  echo "$rc" >"$T/rc"
} &
adhoc_pid=$!
# Kill b once its command is running (SSH_CONNECTION's 4th field: server port).
for _ in $(seq 200); do [[ -e $T/started.$PB ]] && break; sleep 0.05; done
check "h2 command started before the kill" test -e "$T/started.$PB"
sshd_kill b
wait "$adhoc_pid" || true
check "surviving host finished" grep -q "^finished" "$T/out"
check "h1 changed" has "h1 | CHANGED | rc=0 >>"
check "killed host unreachable" has "h2 | UNREACHABLE! =>"
check "killed host lost mid-run" has "lost the connection"
check "mid-run exit 4" test "$(cat "$T/rc")" -eq 4
check "dead host unreachable" has "h3 | UNREACHABLE! =>"
check "dead host reason" has "Connection refused"

# --- connect timeout against a port that accepts TCP but never speaks
python3 - "$T/silent_port" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(120)
PY
EXTRA_PIDS+=("$!")
for _ in $(seq 100); do [[ -s $T/silent_port ]] && break; sleep 0.05; done
start=$(date +%s%N)
adhoc all -i "127.0.0.1:$(cat "$T/silent_port")," "${key[@]}" "${common[@]}" -T 2 -m ping
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "silent host unreachable" has "| UNREACHABLE! =>"
check "connect timeout bounded (${elapsed_ms} ms)" test "$elapsed_ms" -lt 6000
check "silent host exit 4" test "$rc" -eq 4

# --- become: root -> user without a password; user -> root with sudo password
adhoc all -i "127.0.0.1:$PA," "${key[@]}" "${common[@]}" -b --become-user "$U2" -a 'id -un'
check "become without password" grep -qx "$U2" "$T/out"
adhoc all -i "127.0.0.1:$PA," -u "$U1" -e "ansible_password=pw-$U1-secret" "${common[@]}" \
  -b -e "ansible_become_password=pw-$U1-secret" -m command -a 'cat stdin=through-sudo'
check "sudo with password keeps stdin" grep -qx "through-sudo" "$T/out"
adhoc all -i "127.0.0.1:$PA," -u "$U1" -e "ansible_password=pw-$U1-secret" "${common[@]}" \
  -b -e "ansible_become_password=pw-$U1-secret" -a 'id -un'
check "sudo with password becomes root" grep -qx root "$T/out"
check "become password never printed" bash -c "! grep -q 'pw-$U1-secret' '$T/out' '$T/err'"
adhoc all -i "127.0.0.1:$PA," -u "$U1" -e "ansible_password=pw-$U1-secret" "${common[@]}" \
  -b -e "ansible_become_password=nope" -a 'id -un'
check "wrong sudo password fails" has "Incorrect sudo password"
check "wrong sudo password exit 2" test "$rc" -eq 2
adhoc all -i "127.0.0.1:$PA," -u "$U1" -e "ansible_password=pw-$U1-secret" "${common[@]}" \
  -b -a 'id -un'
check "missing sudo password named" has "Missing sudo password"
adhoc all -i "127.0.0.1:$PA," -u "$U1" -e "ansible_password=pw-$U1-secret" "${common[@]}" \
  -b --become-method su --become-user "$U2" -e "ansible_become_password=pw-$U2-secret" \
  -a 'id -un'
check "su with password" grep -qx "$U2" "$T/out"

# --- setup over ssh: the facts of this machine
adhoc all -i "127.0.0.1:$PA," "${key[@]}" "${common[@]}" -m setup
check "setup over ssh" has '"ansible_distribution":'
check "setup user" has '"ansible_user_id": "root"'

finish
