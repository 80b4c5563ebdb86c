#!/usr/bin/env bash
# Differential: the facts of `drover adhoc -m setup` (a POSIX sh script, no
# Python) against `ansible -m setup` on the same machine, once through the
# local connection and once through the same private sshd. Values must be
# equal for the facts playbooks use; date_time is compared by keys only.
source "$(dirname "$0")/sshd_lib.sh"
command -v ansible >/dev/null || { echo "SKIP: ansible not installed"; exit 0; }
sshd_setup
sshd_start a
P=${SSHD_PORT[a]}
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False

compare() {  # label ansible-output drover-output
  python3 "$(dirname "$0")/../lib/compare_facts.py" "$@"
}

ansible localhost -i localhost, -c local -m setup >"$T/a_local" 2>"$T/a_local.err"
"$DROVER" adhoc localhost -i 'unused,' -m setup >"$T/d_local"
check "local facts match ansible" compare local "$T/a_local" "$T/d_local"

ssh_args="-o UserKnownHostsFile=$T/known_hosts"
ansible all -i "127.0.0.1," -e "ansible_port=$P" -u root --private-key "$T/id_ed25519" \
  --ssh-common-args="$ssh_args" -m setup >"$T/a_ssh" 2>"$T/a_ssh.err" || { cat "$T/a_ssh" "$T/a_ssh.err"; }
"$DROVER" adhoc all -i "127.0.0.1:$P," -u root --private-key "$T/id_ed25519" \
  --ssh-common-args "$ssh_args" -m setup >"$T/d_ssh"
check "ssh facts match ansible" compare ssh "$T/a_ssh" "$T/d_ssh"
finish
