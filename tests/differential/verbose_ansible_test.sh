#!/usr/bin/env bash
# -v output as ansible-playbook 2.14's default callback prints it: the
# "Using ... as config file" / "No config file found" line, then each result
# as `ok: [h] => {...}` JSON on one line (debug's indented by 4); from -vvv
# every result indented by 4. Compared line by line with ansible-playbook's
# (local connection), values that differ between any two runs masked.
# -vv, -vvv and -vvvv: every line compared, except those listed in
# ANSIBLE_ONLY (Ansible's own internals drover has no counterpart for),
# so any other difference fails.
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

# -vv/-vvv/-vvvv on a play with facts, a role, vars_files, a notified
# handler, include_tasks, a rescued failure, meta and a loop.
mkdir -p roles/r1/tasks
printf -- '- name: role task\n  debug: msg=inrole\n' >roles/r1/tasks/main.yml
printf -- '- name: inc task\n  debug: msg=inc\n' >inc.yml
echo 'v1: 1' >vars.yml
cat >rich.yml <<'YAML'
- hosts: all
  vars_files: [vars.yml]
  roles: [r1]
  tasks:
    - name: notify
      command: "true"
      notify: h
    - include_tasks: inc.yml
    - block:
        - fail: msg=boom
      rescue:
        - debug: msg=rescued
    - meta: noop
    - debug: msg={{ item }}
      loop: [1, 2]
    - assert: {that: ["v1 == 1"]}
  handlers:
    - name: h
      debug: msg=handler
YAML
# Lines only ansible-playbook prints, each for a reason (README): its
# version block; its callback/inventory plugin loading; the local
# connection plugin's commands and the AnsiballZ module file (drover runs no
# Python on hosts); each vars_file read (as many times as Ansible's variable
# manager asks); its parsed options (CLIARGS) at -vvvv; a module's
# `invocation` (module_args with every default) and `diff` (from -vvv) and
# copy's `src` (Ansible's temporary file on the host).
ANSIBLE_ONLY=(
  '^ansible-playbook \[core '
  '^  (config file|configured module search path|ansible python module location|ansible collection location|executable location|python version|jinja version|libyaml) = '
  "^Skipping callback '[a-z]+', as we already have a stdout callback\.$"
  '^Loading callback plugin default of type stdout, '
  '^setting up inventory plugins$'
  '^[a-z_]+ declined parsing .* as it did not pass its verify_file\(\) method$'
  '^Parsed .* inventory source with [a-z_]+ plugin$'
  '^<h1> (ESTABLISH LOCAL CONNECTION FOR USER:|EXEC|PUT) '
  '^Using module file /'
  "^Read vars_file '"
  '^(verbosity|connection|timeout|become_method|tags|inventory|forks): '
)
normalize_verbose() {  # every line, values that vary masked, ANSIBLE_ONLY lines and invocation dropped
  local re
  re=$(IFS='|'; echo "${ANSIBLE_ONLY[*]}")
  sed -E -e 's/"(delta|end|start)": "[^"]*"/"\1": "X"/g' \
    -e 's/, "src": "[^"]*\.ansible\/tmp\/[^"]*"//' -e '/^    "src": "[^"]*\.ansible\/tmp\//d' \
    -e '/^    "(invocation|diff)": (\[\]|\{\}),?$/d' \
    -e '/^    "(invocation|diff)": [[{]$/,/^    []}],?$/d' "$1" | grep -vE "$re"
}
run_rich() {  # tool level: stdout in TOOL.rich.LEVEL.out
  if [[ $1 == drover ]]; then
    "$DROVER" playbook --no-progress -i inv.ini rich.yml "-$2" >"$1.rich.$2.out" 2>/dev/null
  else
    ansible-playbook -i inv.ini rich.yml "-$2" >"$1.rich.$2.out" 2>/dev/null
  fi
}
for level in vv vvv vvvv; do
  for tool in drover ansible; do run_rich "$tool" "$level"; done
  check "-$level: every line as ansible-playbook's but the listed ones" \
    diff <(normalize_verbose drover.rich.$level.out) <(normalize_verbose ansible.rich.$level.out)
  # The same comparison on the -v playbook (command, shell, copy, ...).
  for tool in drover ansible; do run "$tool" "$level" "-$level"; done
  check "-$level: site.yml line by line" \
    diff <(normalize_verbose drover.$level.out) <(normalize_verbose ansible.$level.out)
done
check "-vv: task path after the banner, absolute, no column" \
  grep -qx "task path: $tmp/rich.yml:5" drover.rich.vv.out
check "-vv: the play's line for Gathering Facts" grep -qx "task path: $tmp/rich.yml:1" \
  drover.rich.vv.out
check "-vv: PLAYBOOK banner and play count" grep -qx '1 plays in rich.yml' drover.rich.vv.out
check "-vv: NOTIFIED HANDLER" grep -qx 'NOTIFIED HANDLER h for h1' drover.rich.vv.out
check "-vvv: facts never dumped after setup" grep -qx 'ok: \[h1\]' drover.rich.vvv.out
check "-vvvv: positional arguments" grep -qx 'Positional arguments: rich.yml' drover.rich.vvvv.out
check "-vvvv: something was masked (the list is used)" \
  test "$(grep -cE '^<h1> ' ansible.rich.vvvv.out)" -gt 0
echo "verbose: $failures failed"
[[ $failures -eq 0 ]]
