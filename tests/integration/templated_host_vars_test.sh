#!/usr/bin/env bash
# Connection variables that are templates (issue 17, "ansible_host that is
# itself a template"): drover and ansible-playbook 2.14 run one playbook
# over private sshd hosts on 127.0.0.1 whose ansible_host, ansible_port and
# ansible_user are templates (a lookup, hostvars of another host, the
# inventory name, another variable); they must agree on the exit code, every
# host's recap line and each host's status line and debug message. An
# undefined variable in ansible_host fails that host with 2.14's message
# ("The field 'remote_addr' has an invalid value, which includes an
# undefined variable"), not unreachable. `drover adhoc` connects to the
# rendered address too.
source "$(dirname "$0")/sshd_lib.sh"
command -v ansible-playbook >/dev/null || { echo "SKIP: ansible-playbook not installed"; exit 0; }
sshd_setup
sshd_start a
sshd_start b
P=$T/project
mkdir -p "$P"
cat >"$P/hosts" <<EOF2
[web]
env_host ansible_host="{{ lookup('env', 'DROVER_ITEST_ADDR') }}" ansible_port="{{ a_port }}"
peer_host ansible_host="{{ hostvars['env_host'].ip }}" ansible_port=${SSHD_PORT[b]} ansible_user="{{ 'ro' ~ 'ot' }}"
127.0.0.1 ansible_host="{{ inventory_hostname }}" ansible_port="{{ a_port }}"
namedhost ansible_host="{{ inventory_hostname }}.invalid" ansible_port=${SSHD_PORT[a]}
undef_host ansible_host="{{ no_such_variable }}" ansible_port=${SSHD_PORT[a]}

[web:vars]
ip=127.0.0.1
a_port=${SSHD_PORT[a]}
ansible_user=root
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
EOF2
cat >"$P/site.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  tasks:
    - command: cat /proc/sys/kernel/random/boot_id
      register: r
      ignore_unreachable: true
    - debug:
        msg: "{{ ansible_host }} {{ r.rc | default('none') }} {{ hostvars['peer_host'].ansible_host }}"
EOF2
export DROVER_ITEST_ADDR=127.0.0.1 ANSIBLE_NOCOLOR=1
# run TOOL: ($T/TOOL.out, $T/TOOL.rc)
run() {
  local tool=$1 rc=0
  if [[ $tool == ansible ]]; then
    (cd "$P" && ansible-playbook -i hosts site.yml) >"$T/$tool.out" 2>&1 || rc=$?
  else
    (cd "$P" && "$DROVER" playbook -i hosts site.yml) >"$T/$tool.out" 2>&1 || rc=$?
  fi
  echo "$rc" >"$T/$tool.rc"
}
# digest FILE: recap lines, then per-host status lines and debug messages, sorted.
digest() {
  grep -E '^[^ ]+ +: ok=' "$1" | tr -s ' ' | sort
  grep -oE '^(ok|changed|fatal|failed|skipping): \[[^]]+\]' "$1" | sort
  # ssh's and libssh's wording for an unknown name differ; 2.14 repeats
  # the undefined error's text.
  grep -oE '"msg": "[^"]*"' "$1" |
    sed -E "s/via ssh: (ssh: )?(Could not|Failed to) resolve.*/via ssh: <unresolved>/;
            s/(is undefined)(\. '[^']*' is undefined)+/\1/" | sort
}
run ansible
run drover
fail=0
if [[ $(cat "$T/ansible.rc") != $(cat "$T/drover.rc") ]]; then
  echo "FAIL: exit code: ansible $(cat "$T/ansible.rc"), drover $(cat "$T/drover.rc")"
  fail=1
fi
if ! diff <(digest "$T/ansible.out") <(digest "$T/drover.out") >"$T/diff"; then
  echo "FAIL: drover and ansible-playbook differ:"
  cat "$T/diff"
  fail=1
fi
# Guard against a vacuous pass: the hosts connected where expected.
for h in env_host peer_host 127.0.0.1; do
  grep -qE "^$h +: ok=2 +changed=1 " "$T/drover.out" || { echo "FAIL: $h did not run"; fail=1; }
done
grep -qF "The field 'remote_addr' has an invalid value, which includes an undefined variable" \
  "$T/drover.out" || { echo "FAIL: undef_host's message"; fail=1; }
grep -qE '^fatal: \[namedhost\]: UNREACHABLE' "$T/drover.out" || { echo "FAIL: namedhost"; fail=1; }

# drover adhoc renders the connection variables too (a lookup, the
# inventory name); an undefined one stops the run naming the field.
set +e
(cd "$P" && "$DROVER" adhoc -i hosts 'env_host:127.0.0.1' -m command -a 'echo hi') \
  >"$T/adhoc.out" 2>&1
(cd "$P" && "$DROVER" adhoc -i hosts 'undef_host' -m command -a 'echo hi') >"$T/adhoc2.out" 2>&1
set -e
grep -qE '^env_host \| CHANGED' "$T/adhoc.out" && grep -qE '^127.0.0.1 \| CHANGED' "$T/adhoc.out" &&
  grep -qF "The field 'remote_addr' has an invalid value" "$T/adhoc2.out" ||
  { echo "FAIL: adhoc"; cat "$T/adhoc.out" "$T/adhoc2.out"; fail=1; }

if ((fail)); then
  echo "--- ansible"; cat "$T/ansible.out"; echo "--- drover"; cat "$T/drover.out"
  exit 1
fi
echo "PASS templated connection variables (drover = ansible-playbook 2.14; adhoc)"
