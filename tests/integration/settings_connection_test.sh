#!/usr/bin/env bash
# Connection settings from ansible.cfg and their ANSIBLE_* variables
# (cli/ansible_settings.h) against a private sshd on 127.0.0.1, for
# `drover playbook` and `drover adhoc`: remote_port / ANSIBLE_REMOTE_PORT
# (the variable over the file, ansible_port over both), remote_user /
# ANSIBLE_REMOTE_USER, private_key_file / ANSIBLE_PRIVATE_KEY_FILE,
# host_key_checking = False in ansible.cfg (unknown host key accepted, no
# known_hosts needed) and [ssh_connection] ssh_common_args.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start a
PA=${SSHD_PORT[a]}
closed=$(free_port)
cd "$T" || exit 1
unset ANSIBLE_CONFIG ANSIBLE_REMOTE_PORT ANSIBLE_REMOTE_USER ANSIBLE_PRIVATE_KEY_FILE \
  ANSIBLE_HOST_KEY_CHECKING ANSIBLE_SSH_HOST_KEY_CHECKING
export HOME=$T ANSIBLE_NOCOLOR=1
printf 'target ansible_host=127.0.0.1\n' >hosts
printf 'pinned ansible_host=127.0.0.1 ansible_port=%s\n' "$PA" >pinned
cat >site.yml <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - command: id -un
      register: who
    - debug: {msg: "user={{ who.stdout }}"}
EOF
# ansible.cfg: the key, user and known_hosts through settings; $1 more lines.
write_cfg() {
  printf '[defaults]\ninventory = hosts\nremote_user = root\nprivate_key_file = %s\n%s' \
    "$T/id_ed25519" "${1:-}"
  printf '[ssh_connection]\nssh_common_args = -o UserKnownHostsFile=%s\n' "$T/known_hosts"
} >ansible.cfg
ssh-keyscan -p "$PA" 127.0.0.1 2>/dev/null | sed "s/^127.0.0.1/[127.0.0.1]:$PA/" >"$T/known_hosts"

run() {  # command args...: stdout+stderr in $T/out, rc in $rc
  set +e
  "$DROVER" "$@" >"$T/out" 2>&1
  rc=$?
  set -e
}
ok_run() { [[ $rc -eq 0 ]] && grep -q 'user=root\|SUCCESS' "$T/out"; }

write_cfg "remote_port = $PA"$'\n'
run playbook --no-progress site.yml
check "remote_port from ansible.cfg: connected (rc $rc)" ok_run
check "remote_port: no settings warning" bash -c "! grep -q 'ignored by drover' '$T/out'"
run adhoc all -m ping
check "adhoc: remote_port from ansible.cfg (rc $rc)" ok_run

write_cfg "remote_port = $closed"$'\n'
ANSIBLE_REMOTE_PORT=$PA run playbook --no-progress site.yml
check "ANSIBLE_REMOTE_PORT over ansible.cfg's remote_port (rc $rc)" ok_run
run playbook --no-progress site.yml
check "remote_port of a closed port: UNREACHABLE, rc 4 (rc $rc)" bash -c \
  "[[ $rc -eq 4 ]] && grep -q UNREACHABLE '$T/out'"
ANSIBLE_REMOTE_PORT=$closed run playbook --no-progress -i pinned site.yml
check "ansible_port over ANSIBLE_REMOTE_PORT (rc $rc)" ok_run

write_cfg
ANSIBLE_REMOTE_PORT=$PA ANSIBLE_REMOTE_USER=nobody-$$ run adhoc all -m ping
check "ANSIBLE_REMOTE_USER over remote_user: that user is tried (rc $rc)" test "$rc" -eq 4
ANSIBLE_REMOTE_PORT=$PA ANSIBLE_PRIVATE_KEY_FILE=$T/no-such-key run playbook --no-progress site.yml
check "ANSIBLE_PRIVATE_KEY_FILE over private_key_file (rc $rc)" test "$rc" -ne 0

# host_key_checking = False in ansible.cfg: an unknown host key is accepted.
: >"$T/known_hosts"
write_cfg "remote_port = $PA"$'\n'
run playbook --no-progress site.yml
check "host_key_checking on (the default): an unknown key refused (rc $rc)" test "$rc" -eq 4
write_cfg "remote_port = $PA"$'\nhost_key_checking = False\n'
run playbook --no-progress site.yml
check "host_key_checking = False in ansible.cfg: connected (rc $rc)" ok_run

finish
