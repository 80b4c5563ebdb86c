#!/usr/bin/env bash
# Host keys (issue 13) against private sshds on 127.0.0.1, with OpenSSH's
# own client (ssh -o BatchMode=yes, the same known_hosts) as the reference:
#   - a key marked @revoked is refused ("REVOKED HOST KEY"), also with
#     --accept-new-host-keys, and never recorded;
#   - a negated pattern ("[127.0.0.*]:P,![127.0.0.1]:P") does not match;
#   - a changed key with StrictHostKeyChecking=no: ssh disables password
#     authentication; drover does too and never sends ansible_password;
#   - a host whose key is signed by a CA named in a @cert-authority line:
#     ssh accepts it; drover refuses it, naming that known_hosts line.
# A stalled host (SIGSTOP on its sshd session processes, which this test
# started) must not stall the run: the task `timeout` is enforced on the
# controller, and ServerAliveInterval/CountMax make a silent session
# UNREACHABLE in bounded time while the other host finishes.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start a
sshd_start b
make_user drvpw 'pw-S3cret'
P=$T/project
mkdir -p "$P"
PA=${SSHD_PORT[a]}
PB=${SSHD_PORT[b]}
KA=$(cut -d' ' -f1,2 "$T/host_a.pub")
ssh_ref() {  # PORT KNOWN_HOSTS [OPTIONS...]: OpenSSH's verdict; stderr in $T/ssh.err
  local port=$1 kh=$2
  shift 2
  set +e
  ssh -o BatchMode=yes -o UserKnownHostsFile="$kh" -o GlobalKnownHostsFile=/dev/null \
    -i "$T/id_ed25519" -p "$port" "$@" root@127.0.0.1 true 2>"$T/ssh.err" </dev/null
  ssh_rc=$?
  set -e
}
adhoc() {  # KNOWN_HOSTS PORT [ARGS...]: drover ping; rc in $rc, output in $T/out
  local kh=$1 port=$2
  shift 2
  printf 'h ansible_host=127.0.0.1 ansible_port=%s ansible_user=root ansible_ssh_private_key_file=%s\n' \
    "$port" "$T/id_ed25519" >"$P/hosts"
  set +e
  (cd "$P" && timeout 60 "$DROVER" adhoc h -i hosts -m ping --ssh-common-args "-o UserKnownHostsFile=$kh -o GlobalKnownHostsFile=/dev/null" "$@") >"$T/out" 2>&1
  rc=$?
  set -e
}

# --- @revoked
printf '@revoked [127.0.0.1]:%s %s\n[127.0.0.1]:%s %s\n' "$PA" "$KA" "$PA" "$KA" >"$T/kh_revoked"
ssh_ref "$PA" "$T/kh_revoked"
check "reference: ssh refuses a revoked key" grep -q "REVOKED HOST KEY" "$T/ssh.err"
adhoc "$T/kh_revoked" "$PA"
check "@revoked: drover refuses (rc=$rc)" test "$rc" -ne 0
check "@revoked: says REVOKED HOST KEY" grep -q "REVOKED HOST KEY" "$T/out"
printf '@revoked [127.0.0.1]:%s %s\n' "$PA" "$KA" >"$T/kh_revoked_only"
adhoc "$T/kh_revoked_only" "$PA" --accept-new-host-keys
check "@revoked + --accept-new-host-keys: refused (rc=$rc)" test "$rc" -ne 0
check "@revoked + --accept-new-host-keys: nothing recorded" test "$(wc -l <"$T/kh_revoked_only")" = 1

# --- negated pattern
printf '[127.0.0.*]:%s,![127.0.0.1]:%s %s\n' "$PA" "$PA" "$KA" >"$T/kh_negated"
ssh_ref "$PA" "$T/kh_negated"
check "reference: ssh does not match a negated pattern (rc=$ssh_rc)" test "$ssh_rc" = 255
adhoc "$T/kh_negated" "$PA"
check "negated pattern: drover refuses (rc=$rc)" test "$rc" -ne 0
check "negated pattern: host key verification failed" grep -q "host key verification failed" "$T/out"

# --- changed key with StrictHostKeyChecking=no: no password is sent
printf '[127.0.0.1]:%s %s\n' "$PA" "$(cut -d' ' -f1,2 "$T/host_b.pub")" >"$T/kh_changed"
ssh_ref "$PA" "$T/kh_changed" -o StrictHostKeyChecking=no -o BatchMode=no -o PreferredAuthentications=password -o NumberOfPasswordPrompts=0 -l drvpw
check "reference: ssh disables password authentication" grep -q "Password authentication is disabled" "$T/ssh.err"
printf 'h ansible_host=127.0.0.1 ansible_port=%s ansible_user=drvpw ansible_password=pw-S3cret\n' "$PA" >"$P/hosts"
set +e
(cd "$P" && timeout 60 "$DROVER" adhoc h -i hosts -m ping --ssh-common-args "-o UserKnownHostsFile=$T/kh_changed -o StrictHostKeyChecking=no -o GlobalKnownHostsFile=/dev/null") >"$T/out" 2>&1
rc=$?
set -e
check "changed key + StrictHostKeyChecking=no: no password login (rc=$rc)" test "$rc" -ne 0
check "changed key: says the key changed" grep -q "REMOTE HOST IDENTIFICATION HAS CHANGED" "$T/out"
check "changed key: the password is not sent" grep -q "password authentication is disabled" "$T/out"
# become password to a changed-key host (key login works): refused
cat >"$P/become.yml" <<'EOF2'
- hosts: h
  gather_facts: false
  tasks:
    - command: id -u
      become: true
      become_user: drvpw
EOF2
printf 'h ansible_host=127.0.0.1 ansible_port=%s ansible_user=root ansible_ssh_private_key_file=%s ansible_become_password=pw-S3cret\n' "$PA" "$T/id_ed25519" >"$P/hosts"
set +e
(cd "$P" && timeout 60 "$DROVER" playbook -i hosts become.yml --ssh-common-args "-o UserKnownHostsFile=$T/kh_changed -o StrictHostKeyChecking=no -o GlobalKnownHostsFile=/dev/null") >"$T/out" 2>&1
rc=$?
set -e
check "changed key: the become password is refused (rc=$rc)" grep -q "refusing to send the become password" "$T/out"

# --- @cert-authority: a host key signed by a CA that known_hosts trusts.
# ssh accepts it; drover does not verify host certificates and refuses the
# host, naming the known_hosts line.
sshd_start c
PC=${SSHD_PORT[c]}
ssh-keygen -q -t ed25519 -N '' -f "$T/host_ca" -C drover-itest-ca
ssh-keygen -q -s "$T/host_ca" -I host-c -h -n 127.0.0.1 "$T/host_c.pub"
sshd_kill c
echo "HostCertificate $T/host_c-cert.pub" >>"$T/sshd_c.conf"
/usr/sbin/sshd -D -e -f "$T/sshd_c.conf" 2>>"$T/sshd_c.log" &
SSHD_PID[c]=$!
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$PC") 2>/dev/null && break; sleep 0.05; done
printf '# a comment\n@cert-authority [127.0.0.1]:%s %s\n' "$PC" "$(cut -d' ' -f1,2 "$T/host_ca.pub")" >"$T/kh_ca"
ssh_ref "$PC" "$T/kh_ca"
check "reference: ssh accepts the CA-signed host key (rc=$ssh_rc)" test "$ssh_rc" = 0
adhoc "$T/kh_ca" "$PC"
check "@cert-authority: drover refuses (rc=$rc)" test "$rc" -ne 0
check "@cert-authority: says why, naming the line" grep -q "only known through @cert-authority ($T/kh_ca:2)" "$T/out"
adhoc "$T/kh_ca" "$PC" --accept-new-host-keys
check "@cert-authority + --accept-new-host-keys: refused (rc=$rc)" test "$rc" -ne 0
check "@cert-authority + --accept-new-host-keys: nothing recorded" test "$(wc -l <"$T/kh_ca")" = 2
sshd_kill c

# --- a stalled host: timeout on the controller, keepalives
cat >"$P/hosts" <<EOF2
[all]
a ansible_host=127.0.0.1 ansible_port=$PA ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519
b ansible_host=127.0.0.1 ansible_port=$PB ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519
[all:vars]
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts -o ServerAliveInterval=2 -o ServerAliveCountMax=2'
EOF2
# stall_a: SIGSTOP every sshd session process of host a once `sleep 30`
# runs there (children of the sshd this test started).
stall_a() {
  for _ in $(seq 200); do
    pgrep -f "sleep 3[0]" >/dev/null && break
    sleep 0.05
  done
  STOPPED=$(pgrep -P "${SSHD_PID[a]}" | tr '\n' ' ')
  for p in $STOPPED; do
    kill -STOP "$p"
    STOPPED="$STOPPED $(pgrep -P "$p" | tr '\n' ' ')"
  done
  for p in $STOPPED; do kill -STOP "$p" 2>/dev/null || true; done
}
resume_a() { for p in $STOPPED; do kill -CONT "$p" 2>/dev/null || true; done; }
cat >"$P/stall.yml" <<'EOF2'
- hosts: all
  gather_facts: false
  tasks:
    - shell: "if [ {{ inventory_hostname }} = a ]; then sleep 30; fi; echo done"
      timeout: 5
    - command: echo after
EOF2
start=$(date +%s)
set +e
(cd "$P" && timeout 120 "$DROVER" playbook -i hosts stall.yml) >"$T/out" 2>&1 &
run=$!
stall_a
wait "$run"
rc=$?
set -e
resume_a
took=$(($(date +%s) - start))
echo "stalled host with timeout: 5: ${took}s"
check "stall + timeout: drover ends in bounded time (${took}s)" test "$took" -lt 40
check "stall + timeout: Ansible's timeout message" grep -q "failed to execute in the expected time frame (5)" "$T/out"
check "stall + timeout: host b finishes" grep -qE "^b +: ok=2 " "$T/out"
# without a task timeout: keepalives make it UNREACHABLE
sed -i '/timeout: 5/d' "$P/stall.yml"
start=$(date +%s)
set +e
(cd "$P" && timeout 120 "$DROVER" playbook -i hosts stall.yml) >"$T/out" 2>&1 &
run=$!
stall_a
wait "$run"
rc=$?
set -e
resume_a
took=$(($(date +%s) - start))
echo "stalled host, keepalives 2s x 2: ${took}s"
check "stall + keepalive: drover ends in bounded time (${took}s, rc=$rc)" test "$took" -lt 40
check "stall + keepalive: a is UNREACHABLE" grep -qE "^a +: .*unreachable=1" "$T/out"
check "stall + keepalive: host b finishes" grep -qE "^b +: ok=2 " "$T/out"
finish
