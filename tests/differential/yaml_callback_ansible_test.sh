#!/usr/bin/env bash
# stdout_callback = yaml (community.general.yaml from Debian's ansible 7.x):
# drover's output line by line against ansible-playbook 2.14's with that
# callback (local connection), at verbosity 0 and -v and with forced colour:
# results as `changed=x ` plus YAML indented by 2, multi-line strings as `|`
# literal blocks (cleaned as the callback cleans them: trailing spaces,
# tabs, \r, control characters), stdout_lines "<omitted>", debug msg/var,
# loops, a skipped, an ignored and a final failure, a no_log result.
# Masked: command timings, copy's temporary src, and drover's own "task
# path:" line after a failure.
set -uo pipefail
: "${DROVER:?}"
lib=$(cd "$(dirname "$0")/../lib" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp ANSIBLE_STDOUT_CALLBACK=yaml
unset ANSIBLE_FORCE_COLOR ANSIBLE_CONFIG ANSIBLE_NOCOLOR NO_COLOR
source "$lib/check.sh"

printf '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >inv.ini
cat >site.yml <<'YAML'
- hosts: all
  gather_facts: false
  vars:
    multi: "line one\nline two\ttab   \nthree\r\n"
    indented: "  lead\nnext"
    only_break: "\n"
    controls: "bell\x07\nform\x0cfeed"
    accents: "héllo\nwörld ünïcode"
    nested:
      mode: "0644"
      flag: "yes"
      long: "{{ 'word ' * 40 }}end"
      list: [1, "two: 2", {k: "v\nw"}]
      empty: {}
      none: null
  tasks:
    - debug: msg=hello
    - debug: var=inventory_hostname
    - debug: var=multi
    - debug: var=indented
    - debug: var=only_break
    - debug: var=controls
    - debug: var=accents
    - debug: var=nested
    - debug:
        msg: [a, {b: c}, "x\ny"]
    - command: "true"
    - shell: printf 'one\ntwo  \n\n\tthree\n'; echo err >&2
    - debug: msg=skipped
      when: false
    - command: "false"
      ignore_errors: true
    - copy:
        content: "new\n"
        dest: "{{ playbook_dir }}/target.txt"
        mode: "0644"
    - set_fact: x=1
    - debug: msg={{ item }}
      loop: [1, 2]
    - command: echo {{ item }}
      loop: [a]
    - shell: echo secret
      no_log: true
    - fail: msg="boom\nsecond line"
YAML
normalize() {  # timings and copy's temporary source masked
  local esc='(\x1b\[[0-9;]*m)?'
  sed -E -e "s/^$esc(  (delta|end|start):) .*/\\1\\2 X/" -e "/^$esc  src: .*\\.ansible.*\\/source/d" "$1"
}
run() {  # tool name args...: stdout and rc in TOOL.NAME.out
  local tool=$1 name=$2
  shift 2
  echo old >target.txt
  if [[ $tool == drover ]]; then
    "$DROVER" playbook --no-progress -i inv.ini site.yml "$@" >"$tool.$name.out" 2>/dev/null
  else
    ansible-playbook -i inv.ini site.yml "$@" >"$tool.$name.out" 2>/dev/null
  fi
  echo "rc=$?" >>"$tool.$name.out"
}
for tool in drover ansible; do
  run "$tool" v0
  run "$tool" v1 -v
  ANSIBLE_FORCE_COLOR=1 run "$tool" color -v
done
for name in v0 v1 color; do
  check "$name: every line as ansible-playbook's with the yaml callback" \
    diff <(normalize drover.$name.out) <(normalize ansible.$name.out)
done
# The shapes the comparison covers, so a change on both sides is noticed.
check "debug msg: the header line ends in '=> ', msg on the next" \
  grep -qzP 'ok: \[h1\] => \n  msg: hello\n' drover.v0.out
check "a multi-line string as a literal block, tabs expanded, trailing space gone" \
  grep -qzP '  multi: \|-\n    line one\n    line two        tab\n    three\n' drover.v0.out
check "a block starting with a space gets an indentation hint" \
  grep -qzP '  indented: \|2-\n      lead\n    next\n' drover.v0.out
check "-v: a command's stdout as a block, stdout_lines omitted" \
  grep -qzP '  stdout: \|-\n    one\n    two\n  \n            three\n  stdout_lines: <omitted>\n' \
  drover.v1.out
check "-v: changed=true leads a command's result" \
  grep -q '^changed: \[h1\] => changed=true $' drover.v1.out
check "a failure: changed=false, msg as a block, rc 2" \
  grep -qzP '(?s)fatal: \[h1\]: FAILED! => changed=false \n  msg: \|-\n    boom\n    second line\n.*rc=2\n$' \
  drover.v0.out
check "no_log: the censored result as YAML" \
  grep -q "^  censored: 'the output has been hidden due to the fact that ''no_log: true''" \
  drover.v1.out
finish "yaml callback"
