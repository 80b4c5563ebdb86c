#!/usr/bin/env bash
# -v output as ansible-playbook 2.14's default callback prints it: the
# "Using ... as config file" / "No config file found" line, then each result
# as `ok: [h] => {...}` JSON on one line (debug's indented by 4); from -vvv
# every result indented by 4. Compared line by line with ansible-playbook's
# (local connection), values that differ between any two runs masked.
set -uo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp
unset ANSIBLE_FORCE_COLOR ANSIBLE_CONFIG
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
    - debug: var=inventory_hostname
    - command: "true"
    - shell: echo out; echo err >&2
    - debug: msg=skipped
      when: false
    - command: "false"
      ignore_errors: true
    - copy:
        content: "new\n"
        dest: "{{ playbook_dir }}/target.txt"
        mode: "0644"
    - file: path={{ playbook_dir }} state=directory
    - set_fact: x=1
    - debug: msg={{ item }}
      loop: [1]
    - command: echo {{ item }}
      loop: [a]
    - lineinfile: path={{ playbook_dir }}/target.txt line=new
YAML
normalize() {  # the lines the callback prints for results, volatile values masked
  sed -E -e 's/"(delta|end|start)": "[^"]*"/"\1": "X"/g' -e 's/, "src": "[^"]*"//' \
    -e '/^(task path|<h1>|ESTABLISH|EXEC|PUT|Loading|Skipping|redirecting|ansible-playbook|  )/d' \
    -e '/^(PLAYBOOK|Positional|META|Read vars_file|Set default|Using module|Pipelining)/d' "$1"
}
run() {  # tool name args...: stdout in TOOL.NAME.out
  local tool=$1 name=$2
  shift 2
  echo old >target.txt
  if [[ $tool == drover ]]; then
    "$DROVER" playbook --no-progress -i inv.ini site.yml "$@" >"$tool.$name.out" 2>/dev/null
  else
    ansible-playbook -i inv.ini site.yml "$@" >"$tool.$name.out" 2>/dev/null
  fi
}
for tool in drover ansible; do
  run "$tool" v -v
done
check "-v: every line as ansible-playbook's (values that vary masked)" \
  diff <(normalize drover.v.out) <(normalize ansible.v.out)
check "-v: the config line first" grep -qx 'No config file found; using defaults' drover.v.out
check "-v: a command's result on one line" \
  grep -qE '^changed: \[h1\] => \{"changed": true, "cmd": \["true"\], ' drover.v.out
check "-v: debug indented by 4" grep -qx '    "msg": "hello"' drover.v.out
printf '[defaults]\nforks = 5\n' >ansible.cfg
run drover cfg -v
check "-v: the ansible.cfg in use named" grep -qx "Using $tmp/ansible.cfg as config file" \
  drover.cfg.out
rm ansible.cfg
run drover vvv -vvv
check "-vvv: a command's result indented by 4" grep -qx '    "cmd": \[' drover.vvv.out
echo "verbose: $failures failed"
[[ $failures -eq 0 ]]
