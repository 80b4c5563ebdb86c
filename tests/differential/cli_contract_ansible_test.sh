#!/usr/bin/env bash
# The parts of ansible-playbook's command-line contract that scripts rely on,
# drover against ansible-playbook 2.14 on the same local-connection playbook:
# - stdout ends as Ansible's does (the recap, then one blank line; no timing
#   block when stdout is not a terminal and no timing callback is enabled);
# - the timing summary appears when profile_tasks or timer is enabled;
# - a --limit that leaves no host is an error with Ansible's message and rc;
# - a command line argparse rejects exits 2.
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
