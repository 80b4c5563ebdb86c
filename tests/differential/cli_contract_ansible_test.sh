#!/usr/bin/env bash
# The parts of ansible-playbook's command-line contract that scripts rely on,
# drover against ansible-playbook 2.14 on the same local-connection playbook:
# - stdout ends as Ansible's does (the recap, then one blank line; no timing
#   block when stdout is not a terminal and no timing callback is enabled);
# - the timing summary appears when profile_tasks or timer is enabled;
# - a --limit that leaves no host is an error with Ansible's message and rc;
# - a command line argparse rejects exits 2;
# - parse errors (YAML syntax, unknown key or module, bad arguments) exit 4,
#   missing files and roles 1, vault errors with each command's code
#   (ansible-inventory and ansible 4 on a group_vars file a wrong password
#   cannot decrypt, ansible-playbook and ansible-vault 1), a module ansible
#   does not know fails every host in ad hoc (rc 2);
# - every command's --help documents its exit codes.
set -uo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
failures=0
check() {  # description command...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

printf '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >inv.ini
cat >site.yml <<'YAML'
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=hello
YAML
run() {  # tool out-prefix args...: stdout in PREFIX.out, stderr in PREFIX.err, rc in PREFIX.rc
  local tool=$1 out=$2
  shift 2
  if [[ $tool == drover ]]; then "$DROVER" playbook "$@"; else ansible-playbook "$@"; fi \
    >"$out.out" 2>"$out.err"
  echo $? >"$out.rc"
}
for tool in drover ansible; do
  run "$tool" "$tool.plain" -i inv.ini site.yml
  run "$tool" "$tool.limit" -i inv.ini site.yml --limit nomatch
  run "$tool" "$tool.usage" -i inv.ini site.yml --bogus-option
done

# Exit codes of failures before any host is touched: case name, tool kind,
# arguments; each run by drover and by Ansible's own command.
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n      bad: [\n' >yaml.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - nosuchmodule: a=1\n' >unknown.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n      nosuchkey: 1\n' >badkey.yml
printf -- '- hosts: all\n  gather_facts: false\n  bogus: 1\n  tasks: []\n' >badplaykey.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ x }"\n' >badsplit.yml
printf -- 'hosts: all\n' >notalist.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: src=a\n      args: 5\n' >badargs.yml
printf -- '- hosts: all\n  gather_facts: false\n  roles: [nosuchrole]\n' >norole.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - import_tasks: nosuch.yml\n' >noimport.yml
printf -- '- debug: msg=a\n  bad: [\n' >badinclude.yml
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: badinclude.yml\n' >include.yml
printf 'right\n' >right.pw
printf 'wrong\n' >wrong.pw
echo 'secret: 42' >secret.yml
ansible-vault encrypt --vault-password-file right.pw secret.yml >/dev/null 2>&1
printf -- '- hosts: all\n  gather_facts: false\n  vars_files: [secret.yml]\n  tasks:\n    - debug: var=secret\n' >vaulted.yml
mkdir -p gv/group_vars
printf '[web]\nh1 ansible_connection=local\n' >gv/inv.ini
cp secret.yml gv/group_vars/web.yml
cases=(
  "yaml|playbook|-i inv.ini yaml.yml"
  "unknown-module|playbook|-i inv.ini unknown.yml"
  "unknown-task-key|playbook|-i inv.ini badkey.yml"
  "unknown-play-key|playbook|-i inv.ini badplaykey.yml"
  "unbalanced-jinja|playbook|-i inv.ini badsplit.yml"
  "not-a-list|playbook|-i inv.ini notalist.yml"
  "bad-args|playbook|-i inv.ini badargs.yml"
  "missing-playbook|playbook|-i inv.ini nosuch.yml"
  "missing-role|playbook|-i inv.ini norole.yml"
  "missing-import|playbook|-i inv.ini noimport.yml"
  "include-yaml|playbook|-i inv.ini include.yml"
  "vault-no-password|playbook|-i inv.ini vaulted.yml"
  "vault-wrong-password|playbook|-i inv.ini vaulted.yml --vault-password-file wrong.pw"
  "vault-password-file-missing|playbook|-i inv.ini vaulted.yml --vault-password-file nosuch.pw"
  "group-vars-wrong-password|playbook|-i gv/inv.ini site.yml --vault-password-file wrong.pw"
  "inventory-list-wrong-password|inventory|-i gv/inv.ini --list --vault-password-file wrong.pw"
  "inventory-list-no-password|inventory|-i gv/inv.ini --list"
  "inventory-host-wrong-password|inventory|-i gv/inv.ini --host h1 --vault-password-file wrong.pw"
  "inventory-graph-wrong-password|inventory|-i gv/inv.ini --graph --vars --vault-password-file wrong.pw"
  "adhoc-wrong-password|adhoc|-i gv/inv.ini all -m ping --vault-password-file wrong.pw"
  "adhoc-unknown-module|adhoc|-i inv.ini all -m nosuchmodule"
  "vault-view-wrong-password|vault|view --vault-password-file wrong.pw secret.yml"
  "vault-view-no-password|vault|view secret.yml"
)
declare -A ansible_tool=([playbook]=ansible-playbook [inventory]=ansible-inventory [adhoc]=ansible
  [vault]=ansible-vault)
run_case() {  # entry: both tools' stdout, stderr and rc in TOOL.NAME.{out,err,rc}
  local name kind argv words
  IFS='|' read -r name kind argv <<<"$1"
  read -ra words <<<"$argv"
  "$DROVER" "$kind" "${words[@]}" </dev/null >"drover.$name.out" 2>"drover.$name.err"
  echo $? >"drover.$name.rc"
  "${ansible_tool[$kind]}" "${words[@]}" </dev/null >"ansible.$name.out" 2>"ansible.$name.err"
  echo $? >"ansible.$name.rc"
}
for entry in "${cases[@]}"; do  # three at a time: Ansible's start-up is most of the time
  run_case "$entry" &
  while (($(jobs -rp | wc -l) >= 3)); do wait -n; done
done
wait
for entry in "${cases[@]}"; do
  name=${entry%%|*}
  check "$name: exit code $(cat "drover.$name.rc"), ansible's $(cat "ansible.$name.rc")" \
    cmp -s "drover.$name.rc" "ansible.$name.rc"
done
check "adhoc-unknown-module: ansible's FAILED line" \
  grep -qF 'h1 | FAILED! => {' drover.adhoc-unknown-module.out
check "adhoc-unknown-module: ansible's message" cmp drover.adhoc-unknown-module.out \
  ansible.adhoc-unknown-module.out
for kind in playbook adhoc inventory vault; do
  check "$kind --help documents exit codes 0, 1, 2, 5" \
    bash -c '"$0" "$1" --help | tr "\n" " " | grep -q "Exit codes.*0 ok; 1 error.*2 .*5 bad"' \
    "$DROVER" "$kind"
done

ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks run drover drover.timed -i inv.ini site.yml

tail_from_recap() { sed -n '/^PLAY RECAP/,$p' "$1"; }
check "stdout from PLAY RECAP to the end is ansible-playbook's, byte for byte" \
  cmp <(tail_from_recap drover.plain.out) <(tail_from_recap ansible.plain.out)
check "no timing block when stdout is not a terminal" \
  bash -c '! grep -q "TASK TIMING" drover.plain.out'
check "profile_tasks enabled: the timing summary follows the recap" \
  grep -q '^TASK TIMING' drover.timed.out
for case in limit usage; do
  check "$case: exit code $(cat "ansible.$case.rc") as ansible-playbook's" \
    cmp "drover.$case.rc" "ansible.$case.rc"
done
check "limit: Ansible's error line" \
  grep -qx 'ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target.' drover.limit.err
check "limit: the warning naming the pattern first" \
  grep -q 'Could not match supplied host pattern, ignoring: nomatch' drover.limit.err
check "limit: nothing ran" bash -c '! grep -q "PLAY RECAP" drover.limit.out'
echo "cli contract: $failures failed"
[[ $failures -eq 0 ]]
