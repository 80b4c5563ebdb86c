#!/usr/bin/env bash
# ansible.cfg and the warnings every command shares, drover against ansible,
# ansible-inventory and ansible-playbook 2.14:
# - [defaults] inventory (and ANSIBLE_INVENTORY over it) is read by adhoc and
#   inventory as by playbook;
# - a pattern matching nothing, an inventory without hosts: Ansible's
#   [WARNING] lines, in its order, and its exit codes;
# - adhoc -m debug (msg, var, verbosity, an invalid option) as ansible's;
# - stdout_callback: one drover does not print (dense, debug) is refused
#   before any host is contacted; yaml from ansible.cfg prints what
#   ansible-playbook prints with community.general.yaml
#   (yaml_callback_ansible_test.sh tests its shapes,
#   stdout_callbacks_ansible_test.sh minimal, oneline and json).
set -uo pipefail
: "${DROVER:?}"
drover_lib=$(cd "$(dirname "$0")/../lib" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp
unset ANSIBLE_CONFIG ANSIBLE_INVENTORY ANSIBLE_STDOUT_CALLBACK
source "$drover_lib/drover_env.sh"
failures=0
check() {  # description command...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

printf '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >inv.ini
printf '[db]\nd1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >other.ini
: >empty.ini
printf '[defaults]\ninventory = inv.ini\n' >ansible.cfg
printf -- '- hosts: nomatch\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n' >nomatch.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n' >site.yml

same() {  # description drover-args -- ansible-command...: stdout+stderr and rc identical
  local what=$1 d a
  shift
  local -a dargs=()
  while [[ $1 != -- ]]; do dargs+=("$1"); shift; done
  shift
  d=$("$DROVER" "${dargs[@]}" 2>&1; echo "rc=$?")
  a=$("$@" 2>&1; echo "rc=$?")
  check "$what" test "$d" = "$a" || diff <(echo "$d") <(echo "$a") | head -10
}
same "inventory --list reads [defaults] inventory" inventory --list -- ansible-inventory --list
check "ANSIBLE_INVENTORY wins over ansible.cfg (inventory --graph)" cmp \
  <(ANSIBLE_INVENTORY=other.ini "$DROVER" inventory --graph 2>&1) \
  <(ANSIBLE_INVENTORY=other.ini ansible-inventory --graph 2>&1)
same "adhoc reads [defaults] inventory" adhoc all -m ping -- ansible all -m ping
same "adhoc: a pattern matching nothing" adhoc nomatch -m ping -- ansible nomatch -m ping
same "adhoc -m debug msg (templated)" adhoc all -m debug -a 'msg={{ inventory_hostname }}' -- \
  ansible all -m debug -a 'msg={{ inventory_hostname }}'
same "adhoc -m debug var" adhoc all -m debug -a var=ansible_connection -- \
  ansible all -m debug -a var=ansible_connection
same "adhoc -m debug without arguments" adhoc all -m debug -- ansible all -m debug
same "adhoc -m debug above its verbosity: SKIPPED" adhoc all -m debug -a 'msg=x verbosity=1' -- \
  ansible all -m debug -a 'msg=x verbosity=1'
same "adhoc -m debug at its verbosity (-v)" adhoc all -v -m debug -a 'msg=x verbosity=1' -- \
  ansible all -v -m debug -a 'msg=x verbosity=1'
# (ansible also prints "An exception occurred during task execution ...
# NoneType: None" there, a traceback notice without a traceback: not copied.)
check "adhoc -m debug with an invalid option: ansible's FAILED line, rc 2" bash -c \
  'diff <("$0" adhoc all -m debug -a foo=1 2>/dev/null; echo "rc=$?") \
        <(out=$(ansible all -m debug -a foo=1 2>/dev/null); rc=$?
          grep -v "^An exception occurred" <<<"$out"; echo "rc=$rc")' "$DROVER"
same "adhoc: an inventory without hosts" adhoc -i empty.ini all -m ping -- \
  ansible -i empty.ini all -m ping
same "playbook: a play pattern matching nothing" playbook nomatch.yml -- \
  ansible-playbook nomatch.yml
same "playbook: an inventory without hosts" playbook -i empty.ini nomatch.yml -- \
  ansible-playbook -i empty.ini nomatch.yml

for callback in community.general.dense ansible.posix.debug; do
  ANSIBLE_STDOUT_CALLBACK=$callback "$DROVER" playbook site.yml >out 2>err
  rc=$?
  check "stdout_callback $callback: refused (rc $rc), nothing run" \
    bash -c '[[ $0 -eq 1 ]] && grep -q "stdout_callback .'"$callback"'. .*not supported" err && ! grep -q "PLAY" out' "$rc"
done
printf '[defaults]\ninventory = inv.ini\nstdout_callback = yaml\n' >ansible.cfg
same "stdout_callback yaml from ansible.cfg: ansible-playbook's output, no warning" \
  playbook --no-progress site.yml -- ansible-playbook site.yml
printf '[defaults]\ninventory = inv.ini\n' >ansible.cfg
ANSIBLE_STDOUT_CALLBACK=community.general.yaml same \
  "stdout_callback community.general.yaml (FQCN, environment)" \
  playbook --no-progress site.yml -- ansible-playbook site.yml
echo "config: $failures failed"
[[ $failures -eq 0 ]]
