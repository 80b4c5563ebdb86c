#!/usr/bin/env bash
# log_path ([defaults] log_path, ANSIBLE_LOG_PATH over it), drover against
# ansible-playbook 2.14: the same records line for line, timestamps, pids and
# command timings aside ("2026-12-07 12:25:29,654 p=123 u=root n=ansible | "
# then the message; a multi-line result's further lines bare; the recap
# without colour and without its blank line; a warning followed by a blank
# line); -v's "Using X as config file"; appended, never truncated; Ansible's
# warning on stderr when the file cannot be written. A vaulted secret stays
# masked in drover's log (Ansible would write it in clear: not compared).
# The other commands against ansible, ansible-inventory and ansible-vault:
# adhoc's results (JSON and a command's raw form with its blank line), its
# warnings and -v line; inventory's --list/--graph/--host output; vault's
# status lines and errors, and never a plaintext or ciphertext.
set -uo pipefail
: "${DROVER:?}"
lib=$(cd "$(dirname "$0")/../lib" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp
unset ANSIBLE_CONFIG ANSIBLE_INVENTORY ANSIBLE_STDOUT_CALLBACK ANSIBLE_LOG_PATH
source "$lib/check.sh"
source "$lib/drover_env.sh"

printf '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >inv.ini
mkdir logs
printf '[defaults]\ninventory = inv.ini\nlog_path = logs/run.log\n' >ansible.cfg
cat >site.yml <<'EOF'
- hosts: nomatch
  gather_facts: false
  tasks:
    - debug: msg=never
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=hello
    - command: echo hi
    - debug: msg="{{ item }}"
      loop: [a, b]
    - command: /bin/false
      ignore_errors: true
    - debug: msg=skipped
      when: false
    - shell: echo secret-free
      no_log: true
EOF

# records LOG: the log with each record's prefix and the run's timings made constant.
records() {
  sed -E -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} p=[0-9]+ u=[^ ]+ n=ansible \| /LOG | /' \
    -e 's/"(delta|start|end)": "[^"]*"/"\1": "T"/g' -e "s|$tmp|TMP|g" "$1"
}
# compare DESCRIPTION ARGS...: the same run with each; the logs' records equal.
compare() {
  local what=$1
  shift
  rm -f logs/run.log
  ansible-playbook "$@" site.yml >/dev/null 2>&1
  records logs/run.log >ansible.records
  rm -f logs/run.log
  "$DROVER" playbook "$@" site.yml >/dev/null 2>&1
  cp logs/run.log drover.log
  records logs/run.log >drover.records
  check "$what: the same records" diff drover.records ansible.records
}

compare "log_path"
check "every record has Ansible's prefix with drover's user" \
  grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3} p=[0-9]+ u=$(id -un) n=ansible \| PLAY RECAP" drover.log
check "a multi-line result's further lines are bare" grep -qx '    "msg": "hello"' drover.log
compare "log_path -v" -v
check "-v logs the config file" grep -q "| Using $tmp/ansible.cfg as config file" drover.log

# ANSIBLE_LOG_PATH wins over ansible.cfg, and the log is appended to.
echo "earlier line" >env.log
ANSIBLE_LOG_PATH=$tmp/env.log "$DROVER" playbook site.yml >/dev/null 2>&1
check "ANSIBLE_LOG_PATH is written" grep -q "n=ansible | PLAY RECAP" env.log
check "the log is appended to" test "$(head -1 env.log)" = "earlier line"

# A log that cannot be written: Ansible's warning, and the run goes on.
a=$(ANSIBLE_LOG_PATH=/nonexistent/dir/x.log ansible-playbook site.yml 2>&1 >/dev/null; echo "rc=$?")
d=$(ANSIBLE_LOG_PATH=/nonexistent/dir/x.log "$DROVER" playbook site.yml 2>&1 >/dev/null; echo "rc=$?")
check "unwritable log: Ansible's warning" grep -qF "[WARNING]: log file at /nonexistent/dir/x.log is not writeable and we cannot create it, aborting" <<<"$d"
check "unwritable log: the same stderr and rc" test "$(grep -v 'Could not match' <<<"$d")" = "$(grep -v 'Could not match' <<<"$a")"

# A vaulted secret shown by debug is masked in the log as on the screen.
printf 'pw-log\n' >pw
"$DROVER" vault encrypt_string --vault-password-file pw 'Log-Secret-4711' --name db_password >secret.yml 2>/dev/null
printf -- '- hosts: all\n  gather_facts: false\n  vars_files: [secret.yml]\n  tasks:\n    - debug: msg="{{ db_password }}"\n' >secret_play.yml
rm -f logs/run.log
"$DROVER" playbook --vault-password-file pw secret_play.yml -v >/dev/null 2>&1
check "the secret's task is logged" grep -q "ok: \[h1\]" logs/run.log
check "the secret is not in the log" bash -c "! grep -q 'Log-Secret-4711' logs/run.log"

# The other commands log what they show, as Ansible's display does.
printf 'h2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >>inv.ini
# compare_cmd DESCRIPTION DROVER-ARGS -- ANSIBLE-COMMAND...: equal records
# (sorted lines when SORTED=1: hosts answer in any order).
compare_cmd() {
  local what=$1
  shift
  local -a dargs=()
  while [[ $1 != -- ]]; do dargs+=("$1"); shift; done
  shift
  rm -f logs/run.log
  "$@" >/dev/null 2>&1
  records logs/run.log >ansible.records
  rm -f logs/run.log
  "$DROVER" "${dargs[@]}" >/dev/null 2>&1
  records logs/run.log >drover.records
  if [[ ${SORTED:-0} == 1 ]]; then
    sort -o ansible.records ansible.records
    sort -o drover.records drover.records
  fi
  check "$what: the same records" diff drover.records ansible.records
}
SORTED=1 compare_cmd "adhoc ping on two hosts" adhoc all -m ping -- ansible all -m ping
compare_cmd "adhoc command (raw form, blank line after)" adhoc h1 -a "echo hi" -- \
  ansible h1 -a "echo hi"
compare_cmd "adhoc failing command" adhoc h1 -a /bin/false -- ansible h1 -a /bin/false
compare_cmd "adhoc -v (config line)" adhoc h1 -m ping -v -- ansible h1 -m ping -v
compare_cmd "adhoc pattern matching nothing (warnings)" adhoc nomatch -m ping -- \
  ansible nomatch -m ping
compare_cmd "adhoc module Ansible does not know" adhoc h1 -m no_such_module -- \
  ansible h1 -m no_such_module
rm -f logs/run.log
"$DROVER" adhoc h1 -a "echo hi" >/dev/null 2>&1
check "adhoc: a raw result's record ends with a blank line" \
  grep -qzP 'n=ansible \| h1 \| CHANGED \| rc=0 >>\nhi\n\n' logs/run.log
compare_cmd "inventory --list" inventory --list -- ansible-inventory --list
compare_cmd "inventory --graph" inventory --graph -- ansible-inventory --graph
compare_cmd "inventory --host" inventory --host h1 -- ansible-inventory --host h1
compare_cmd "inventory without an action (error)" inventory -- ansible-inventory
check "inventory --output: the file's content is not logged" bash -c \
  'rm -f logs/run.log; "$0" inventory --list --output out.json; [[ ! -s logs/run.log ]]' "$DROVER"

printf 'a: 1\nvault_plain: Plain-4711\n' >plain.yml
printf 'other-pw\n' >pw2
"$DROVER" vault encrypt --vault-password-file pw plain.yml >/dev/null 2>&1
compare_cmd "vault rekey: its status line" vault rekey --vault-password-file pw2 \
  --new-vault-password-file pw plain.yml -- \
  ansible-vault rekey --vault-password-file pw --new-vault-password-file pw2 plain.yml
rm -f logs/run.log
"$DROVER" vault view --vault-password-file pw2 plain.yml >/dev/null 2>&1
"$DROVER" vault encrypt_string --vault-password-file pw2 'Str-Secret-4711' --name s >enc.yml 2>/dev/null
"$DROVER" vault view --vault-password-file pw plain.yml >/dev/null 2>&1
check "vault: a wrong password's error is logged" grep -q "n=ansible | ERROR! " logs/run.log
check "vault: no plaintext and no ciphertext in the log" bash -c \
  '! grep -qE "Plain-4711|Str-Secret-4711|\\\$ANSIBLE_VAULT;" logs/run.log'
ansible-vault view --vault-password-file pw2 plain.yml >/dev/null 2>&1
check "ansible-vault logs the same error line as drover's first line" \
  test "$(grep -c 'ERROR! Decryption failed' logs/run.log)" = 2

finish "log_path"
