#!/usr/bin/env bash
# stdout_callback minimal, oneline (ansible.builtin.*) and json (2.14
# routes `json` to ansible.posix.json): drover's output against
# ansible-playbook 2.14's (local connection). minimal/oneline compared line
# by line, json as parsed documents. The playbook has ok, changed, an
# ignored failure (plain and looped), skipped tasks, loops (one result per
# loop, items combined), debug msg/var, no_log tasks (plain and looped),
# include_tasks (plain and looped), a rescued block and a final failure.
# Masked: timings and timestamps, json's ids, and the `invocation` Ansible's
# modules add to their results (drover warns that its results have none).
# Modules whose result keys drover does not match (file's, see README) are
# left out.
# Also include_role, handlers and a strategy: free play, and the default
# callback's `included:` line per item of a looped include_tasks, before the
# included tasks run, each host with its own item.
set -uo pipefail
: "${DROVER:?}"
lib=$(cd "$(dirname "$0")/../lib" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp
unset ANSIBLE_FORCE_COLOR ANSIBLE_CONFIG ANSIBLE_NOCOLOR NO_COLOR ANSIBLE_STDOUT_CALLBACK
unset ANSIBLE_JSON_INDENT
source "$lib/check.sh"

py='ansible_connection=local ansible_python_interpreter=/usr/bin/python3'
printf '[web]\nh1 %s\n' "$py" >one.ini
printf '[web]\nh1 %s\nh2 %s\n' "$py" "$py" >two.ini
cat >inc.yml <<'YAML'
- debug: msg="inc {{ item }}"
YAML
cat >site.yml <<'YAML'
- hosts: all
  gather_facts: false
  vars:
    greeting: "héllo"
  tasks:
    - debug: msg=hello
    - debug: var=greeting
    - command: "true"
    - shell: echo out; echo err >&2
    - debug: msg=skipped
      when: false
    - command: "false"
      ignore_errors: true
    - set_fact: x=1
    - assert: {that: x == '1'}
    - debug: msg={{ item }}
      loop: [1, 2]
    - command: echo {{ item }}
      loop: [a, b]
      when: item == 'a'
    - set_fact: y={{ item }}
      loop: [t1]
      loop_control: {label: "L-{{ item }}"}
    - command: "{{ item }}"
      loop: ["true", "false"]
      ignore_errors: true
    - shell: echo secret
      no_log: true
    - command: echo {{ item }}
      loop: [s1, s2]
      no_log: true
    - debug: msg=none
      loop: []
    - include_tasks: inc.yml
      vars: {item: z}
    - include_tasks: inc.yml
      loop: [x, y]
    - block:
        - fail: msg=boom
      rescue:
        - debug: msg=rescued
- hosts: h1
  gather_facts: false
  tasks:
    - fail: msg="final"
YAML
# Values that differ between any two runs, and Ansible's invocation.
normalize() {
  sed -E -e 's/"(delta|end|start)": "[^"]*"/"\1": "X"/g' \
    -e 's/,? ?"invocation": \{"module_args": \{[^}]*\}\}//g' "$1"
}
run() {  # tool callback inventory name: stdout in TOOL.NAME.out, stderr in .err, rc last
  local tool=$1 cb=$2 inv=$3 name=$4
  if [[ $tool == drover ]]; then
    ANSIBLE_STDOUT_CALLBACK=$cb "$DROVER" playbook --no-progress -i "$inv" site.yml \
      >"$tool.$name.out" 2>"$tool.$name.err"
  else
    ANSIBLE_STDOUT_CALLBACK=$cb ansible-playbook -i "$inv" site.yml \
      >"$tool.$name.out" 2>"$tool.$name.err"
  fi
  echo "rc=$?" >>"$tool.$name.out"
}
for tool in drover ansible; do
  run "$tool" minimal one.ini minimal
  run "$tool" ansible.builtin.minimal one.ini minimal_fqcn
  run "$tool" oneline one.ini oneline
  run "$tool" oneline two.ini oneline2
  run "$tool" json two.ini json
  run "$tool" default one.ini default
done
for name in minimal minimal_fqcn oneline; do
  check "$name: every line as ansible-playbook's" \
    diff <(normalize drover.$name.out) <(normalize ansible.$name.out)
done
# Two hosts: their lines' order within a task varies from run to run.
check "oneline, two hosts: the same lines" \
  diff <(normalize drover.oneline2.out | sort) <(normalize ansible.oneline2.out | sort)
# json: one document; ids, times and invocation masked.
cat >norm.py <<'PY'
import json, sys
def mask(o):
    if isinstance(o, dict):
        return {k: ("X" if k in ("start", "end", "delta", "id") and isinstance(v, str) else mask(v))
                for k, v in o.items() if k != "invocation"}
    if isinstance(o, list):
        return [mask(x) for x in o]
    return o
text = open(sys.argv[1]).read()
doc = mask(json.loads(text[:text.rindex("rc=")] if "rc=" in text else text))
if sys.argv[2:] == ["sorted"]:  # hosts finish in either order
    for play in doc["plays"]:
        play["tasks"].sort(key=lambda t: json.dumps(t, sort_keys=True))
print(json.dumps(doc, indent=1, sort_keys=True))
PY
check "json: the document as ansible-playbook's (ids, times, invocation masked)" \
  diff <(python3 norm.py drover.json.out) <(python3 norm.py ansible.json.out)
check "json: the exit code as ansible-playbook's" \
  diff <(tail -1 drover.json.out) <(tail -1 ansible.json.out)
check "default: the included lines as ansible-playbook's" \
  diff <(grep '^included:' drover.default.out) <(grep '^included:' ansible.default.out)
# include_role, import_tasks, handlers and a strategy: free play (two hosts:
# lines sorted, json's task entries sorted; free records one per host).
mkdir -p roles/r1/tasks roles/r1/handlers
printf -- '- debug: msg="in role {{ inventory_hostname }}"\n- command: "true"\n  notify: h\n' \
  >roles/r1/tasks/main.yml
printf -- '- name: h\n  debug: msg=handler\n' >roles/r1/handlers/main.yml
cat >extra.yml <<'YAML'
- hosts: h1
  gather_facts: false
  tasks:
    - include_role: name=r1
    - import_tasks: inc.yml
      vars: {item: imp}
    - debug: msg=after
      changed_when: true
      notify: h2
  handlers:
    - name: h2
      debug: msg=h2
- hosts: all
  gather_facts: false
  strategy: free
  tasks:
    - debug: msg=free1
    - command: "true"
YAML
for cb in minimal oneline json; do
  ANSIBLE_STDOUT_CALLBACK=$cb "$DROVER" playbook --no-progress -i two.ini extra.yml \
    >drover.extra_$cb.out 2>/dev/null
  ANSIBLE_STDOUT_CALLBACK=$cb ansible-playbook -i two.ini extra.yml >ansible.extra_$cb.out 2>/dev/null
done
for cb in minimal oneline; do
  check "$cb: include_role, handlers, strategy free as ansible-playbook's (sorted)" \
    diff <(normalize drover.extra_$cb.out | sort) <(normalize ansible.extra_$cb.out | sort)
done
check "json: include_role, handlers, strategy free as ansible-playbook's (entries sorted)" \
  diff <(python3 norm.py drover.extra_json.out sorted) <(python3 norm.py ansible.extra_json.out sorted)
check "json, strategy free: one task entry per host" \
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
t = d["plays"][1]["tasks"]
assert len(t) == 4 and all(len(x["hosts"]) == 1 for x in t), t' drover.extra_json.out
# A looped include whose items differ per host: each host runs it with its
# own item (the default shape; lines sorted, the hosts' order varies).
cat >per_host.yml <<'YAML'
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      loop: ["{{ inventory_hostname }}"]
YAML
"$DROVER" playbook --no-progress -i two.ini per_host.yml >drover.per_host.out 2>/dev/null
ansible-playbook -i two.ini per_host.yml >ansible.per_host.out 2>/dev/null
check "default: a looped include, items per host, as ansible-playbook's (sorted)" \
  diff <(sort drover.per_host.out) <(sort ansible.per_host.out)
check "default: h2 runs the include with its own item" \
  grep -qzP 'ok: \[h2\] => \{\n    "msg": "inc h2"' drover.per_host.out
# The shapes the comparison covers, so a change on both sides is noticed.
check "minimal: a loop is one result" grep -qzP 'h1 \| SUCCESS => \{\n    "msg": "All items completed"\n\}' \
  drover.minimal.out
check "minimal: a command as rc and output" grep -qzP 'h1 \| CHANGED \| rc=0 >>\nouterr\n' \
  drover.minimal.out
check "minimal: no_log censored (no output shown)" grep -qzP 'h1 \| CHANGED \| rc=-1 >>\n\n' \
  drover.minimal.out
check "minimal: no secret anywhere" bash -c '! grep -q "secret\|s1\|s2" drover.minimal.out'
check "oneline: a result on one line" \
  grep -qx 'h1 | SUCCESS => {"ansible_facts": {"x": "1"},"changed": false}' drover.oneline.out
check "oneline: debug indented by 4 then joined" \
  grep -qx 'h1 | SUCCESS => {    "changed": false,    "msg": "hello"}' drover.oneline.out
check "oneline: no secret anywhere" bash -c '! grep -q "secret\|s1\|s2" drover.oneline.out'
check "json: no secret anywhere" bash -c '! grep -q "secret\|\"s1\|\"s2" drover.json.out'
check "json: task paths absolute with the line" grep -q "\"path\": \"$tmp/site.yml:6\"" drover.json.out
check "default: one included line per item" \
  grep -qx "included: $tmp/inc.yml for h1 => (item=x)" drover.default.out
check "drover warns that its results lack invocation" grep -q "no 'invocation'" drover.json.err
# ANSIBLE_JSON_INDENT=0: one line, as the callback's json_indent <= 0.
ANSIBLE_JSON_INDENT=0 run drover json one.ini json_flat
check "json_indent 0: the document on one line" \
  bash -c '[[ $(wc -l <drover.json_flat.out) -eq 2 ]] && head -1 drover.json_flat.out | python3 -m json.tool >/dev/null'
# A callback drover does not print is refused before any host.
ANSIBLE_STDOUT_CALLBACK=community.general.dense "$DROVER" playbook --no-progress -i one.ini \
  site.yml >refused.out 2>&1
check "an unsupported callback refused, nothing run" \
  bash -c 'grep -q "is not supported by drover" refused.out && ! grep -q "h1 |" refused.out'
finish "stdout callbacks"
