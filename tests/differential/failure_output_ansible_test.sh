#!/usr/bin/env bash
# What the default callback prints around failures, against ansible-playbook
# 2.14 (local connection), stdout compared line by line with the values that
# vary between runs masked:
#  - no "task path:" at verbosity 0 (only with show_task_path_on_failure,
#    before the fatal line);
#  - "NO MORE HOSTS LEFT" when any_errors_fatal (once) or
#    max_fail_percentage (twice) ends a play, and the playbook's later plays
#    not run; nor after a play whose every host failed;
#  - a failure raised on the controller (templating the arguments or the
#    loop, a failed_when that cannot be evaluated) as TaskExecutor's result:
#    its keys compared (no "changed"; the message texts differ, README);
#  - ansible_facts is {} when nothing was gathered.
set -uo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp
unset ANSIBLE_FORCE_COLOR ANSIBLE_CONFIG ANSIBLE_SHOW_TASK_PATH_ON_FAILURE
failures=0
check() {  # description command...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
py=ansible_python_interpreter=/usr/bin/python3
printf '[web]\nh1 ansible_connection=local %s\nh2 ansible_connection=local %s\n' "$py" "$py" \
  >inv.ini
normalize() {  # stdout, run-dependent values masked, each section's lines sorted (hosts report in any order)
  sed -E -e 's/"(delta|end|start)": "[^"]*"/"\1": "X"/g' "$1" |
    python3 -c 'import sys; print("\n\n".join("\n".join(sorted(p.split("\n"))) for p in sys.stdin.read().split("\n\n")))'
}
run() {  # tool name playbook [args]: stdout in TOOL.NAME.out, rc in TOOL.NAME.rc
  local tool=$1 name=$2 pb=$3
  shift 3
  if [[ $tool == drover ]]; then
    "$DROVER" playbook --no-progress -i inv.ini "$pb" "$@" >"$tool.$name.out" 2>/dev/null
  else
    ansible-playbook -i inv.ini "$pb" "$@" >"$tool.$name.out" 2>/dev/null
  fi
  echo $? >"$tool.$name.rc"
}
same() {  # name: same stdout (masked) and rc
  diff <(normalize "drover.$1.out") <(normalize "ansible.$1.out") &&
    diff "drover.$1.rc" "ansible.$1.rc"
}
both() {  # name playbook [args]
  local tool
  for tool in drover ansible; do run "$tool" "$@"; done
}

# A task failing on one host, the other going on; a second play.
cat >fail.yml <<'YAML'
- hosts: all
  gather_facts: false
  tasks:
    - name: boom
      command: "false"
      when: inventory_hostname == 'h1'
    - debug: msg=after
- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=play2
YAML
both fail fail.yml
check "verbosity 0: no task path after a failure" same fail
check "verbosity 0: the failure shown" grep -q '^fatal: \[h1\]: FAILED!' drover.fail.out
check "verbosity 0: no task path line" bash -c "! grep -q '^task path' drover.fail.out"
export ANSIBLE_SHOW_TASK_PATH_ON_FAILURE=1
both fail_path fail.yml
unset ANSIBLE_SHOW_TASK_PATH_ON_FAILURE
check "show_task_path_on_failure: task path before the fatal line" same fail_path
check "show_task_path_on_failure: the line" grep -qx "task path: $tmp/fail.yml:4" \
  drover.fail_path.out

# any_errors_fatal: NO MORE HOSTS LEFT, the second play not run.
sed '0,/gather_facts: false/s//gather_facts: false\n  any_errors_fatal: true/' fail.yml >fatal.yml
both fatal fatal.yml
check "any_errors_fatal: NO MORE HOSTS LEFT, later plays not run" same fatal
check "any_errors_fatal: the banner" grep -q '^NO MORE HOSTS LEFT \*\*\*' drover.fatal.out

# max_fail_percentage: the banner twice, as the linear strategy prints it.
sed 's/any_errors_fatal: true/max_fail_percentage: 0/' fatal.yml >maxfail.yml
both maxfail maxfail.yml
check "max_fail_percentage: NO MORE HOSTS LEFT twice, later plays not run" same maxfail
check "max_fail_percentage: two banners" test "$(grep -c '^NO MORE HOSTS LEFT' drover.maxfail.out)" -eq 2

# Every host fails: no banner, the later plays not run.
sed -e '/any_errors_fatal/d' -e "/when: inventory_hostname == 'h1'/d" fatal.yml >allfail.yml
both allfail allfail.yml
check "every host failed: later plays not run, no banner" same allfail
check "every host failed: no second play" bash -c "! grep -q play2 drover.allfail.out"

# Failures raised on the controller: the result's keys.
cat >controller.yml <<'YAML'
- hosts: h1
  gather_facts: false
  vars:
    d: {a: 1}
  tasks:
    - command: "echo {{ d.missing }}"
      ignore_errors: true
    - command: echo {{ item }}
      loop: "{{ d.nope }}"
      ignore_errors: true
    - command: "true"
      failed_when: d.nope.x
      ignore_errors: true
    - assert: {that: ["1 == 2"]}
      ignore_errors: true
YAML
both controller controller.yml
keys() {  # the sorted keys of each fatal line's result, one line per failure
  python3 -c '
import json, re, sys
text = open(sys.argv[1]).read()
for m in re.finditer(r"^fatal: \[\w+\]: FAILED! => ", text, re.M):
    print(sorted(json.JSONDecoder().raw_decode(text, m.end())[0]))
' "$1"
}
check "controller failures: the result's keys as Ansible's (no changed)" \
  diff <(keys drover.controller.out) <(keys ansible.controller.out)
check "controller failures: four results compared" test "$(keys drover.controller.out | wc -l)" -eq 4
check "assert: the failure indented as Ansible's" grep -qx '    "assertion": "1 == 2",' \
  drover.controller.out

# ansible_facts before anything was gathered.
cat >facts.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - debug: var=ansible_facts
    - debug: msg="{{ ansible_facts | length }} {{ hostvars[inventory_hostname].ansible_facts }}"
    - setup: gather_subset=min
    - debug: msg="{{ ansible_facts.distribution }} {{ ansible_facts | length > 5 }}"
YAML
both facts facts.yml
check "ansible_facts is {} before gathering, facts after" same facts
check "ansible_facts shown as {}" grep -qx '    "ansible_facts": {}' drover.facts.out

echo "failure_output: $failures failed"
[[ $failures -eq 0 ]]
