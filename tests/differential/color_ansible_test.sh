#!/usr/bin/env bash
# Colours as ansible-playbook 2.14's default callback prints them, byte for
# byte: ok green, changed yellow, skipped cyan, failed red, diffs coloured
# line by line, the recap's fields coloured when not 0, each line of a
# multi-line result coloured on its own. And when colour is on, as Ansible
# decides: ANSIBLE_FORCE_COLOR or [defaults] force_color (winning over
# nocolor), ANSIBLE_NOCOLOR, NO_COLOR, [defaults] nocolor, a terminal.
# Compared: stdout with the values that differ between any two runs masked
# (times, Ansible's temporary "after" file).
set -uo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp TERM=xterm
unset ANSIBLE_FORCE_COLOR ANSIBLE_NOCOLOR NO_COLOR ANSIBLE_CONFIG
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
    - command: "true"
    - debug: msg=skipped
      when: false
    - command: "false"
      ignore_errors: true
    - copy:
        content: "new\n"
        dest: "{{ playbook_dir }}/target.txt"
    - debug: msg={{ item }}
      loop: [1, 2]
    - command: echo {{ item }}
      loop: [a]
    - fail: msg=boom
YAML
printf '[defaults]\nforce_color = True\n' >force.cfg
printf '[defaults]\nnocolor = yes\n' >nocolor.cfg

normalize() {
  sed -E -e 's/"(delta|end|start)": "[^"]*"/"\1": "X"/g' -e 's/\+\+\+ after: [^\x1b]*/+++ after: X/' "$1"
}
run() {  # tool name env-assignments...: stdout in TOOL.NAME.out
  local tool=$1 name=$2
  shift 2
  echo old >target.txt
  if [[ $tool == drover ]]; then
    env "$@" "$DROVER" playbook -i inv.ini site.yml --diff >"$tool.$name.out" 2>/dev/null
  else
    env "$@" ansible-playbook -i inv.ini site.yml --diff >"$tool.$name.out" 2>/dev/null
  fi
}
# Ansible runs are slow: one forced run is the reference for every way of
# forcing colour (Ansible's output is the same for each; color.py).
run ansible force ANSIBLE_FORCE_COLOR=1
run drover force ANSIBLE_FORCE_COLOR=1
run drover force-cfg ANSIBLE_CONFIG=force.cfg
run drover force-over-nocolor ANSIBLE_FORCE_COLOR=true NO_COLOR=1
for name in force force-cfg force-over-nocolor; do
  check "$name: coloured output is ansible-playbook's, byte for byte" \
    cmp <(normalize "drover.$name.out") <(normalize ansible.force.out)
done
check "force: ok is green" grep -qF $'\e[0;32mok: [h1] => {\e[0m' drover.force.out
check "force: a diff's added line is green" grep -qF $'\e[0;32m+new\e[0m' drover.force.out
check "force: the recap's failed field is red" grep -qF $'\e[0;31mfailed=1   \e[0m' drover.force.out

# On a terminal (script(1) gives the command a pty): colour unless switched off.
on_tty() {  # tool name env-assignments...: what the terminal showed in TOOL.NAME.tty
  local tool=$1 name=$2 cmd
  shift 2
  if [[ $tool == drover ]]; then
    cmd="$DROVER playbook --no-progress -i inv.ini site.yml"
  else
    cmd="ansible-playbook -i inv.ini site.yml"
  fi
  env "$@" script -qfec "$cmd" /dev/null >"$tool.$name.tty" 2>&1 </dev/null
}
on_tty ansible default
on_tty ansible no-color NO_COLOR=1
on_tty drover default
on_tty drover no-color NO_COLOR=1
on_tty drover ansible-nocolor ANSIBLE_NOCOLOR=yes
on_tty drover nocolor-cfg ANSIBLE_CONFIG=nocolor.cfg
on_tty drover dumb TERM=dumb
coloured() { grep -qF $'\e[0;32mok: [h1]' "$1"; }
for name in default no-color; do
  if coloured "ansible.$name.tty"; then want=coloured; else want=plain; fi
  if coloured "drover.$name.tty"; then got=coloured; else got=plain; fi
  check "on a terminal, $name: $got, ansible-playbook's $want" test "$got" = "$want"
done
# The other switches, as ansible/utils/color.py reads them.
for name in ansible-nocolor nocolor-cfg dumb; do
  check "on a terminal, $name: plain" bash -c '! grep -qF $'"'"'\e[0;32m'"'"' "$0"' "drover.$name.tty"
done

echo "colour: $failures failed"
[[ $failures -eq 0 ]]
