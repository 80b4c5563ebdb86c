#!/usr/bin/env bash
# `drover playbook` against two private sshd hosts on 127.0.0.1, for the
# playbook features beyond the basics (see playbook_behaviour_test.sh):
# include_role (loop, when, vars, *_from, public, apply, role handlers) and
# import_role's *_from, module_defaults, strategy: free, the timeout
# keyword, delegate_facts. Each playbook asserts its registered values
# itself; the recap is checked, and where ansible-playbook is installed the
# same playbook is run under it on the same hosts and the recaps must match.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start web1
sshd_start web2
P=$T/project
W=$T/work   # each host writes under $W/<inventory_hostname>
mkdir -p "$P" "$W/web1" "$W/web2"
cat >"$P/hosts" <<EOF2
[web]
web1 ansible_port=${SSHD_PORT[web1]}
web2 ansible_port=${SSHD_PORT[web2]}

[web:vars]
ansible_host=127.0.0.1
ansible_user=root
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
ansible_python_interpreter=/usr/bin/python3
work=$W/{{ inventory_hostname }}
EOF2
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCALHOST_WARNING=False
export ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_DEPRECATION_WARNINGS=False
export HOME=$T/home ANSIBLE_LOCAL_TEMP=$T/home/tmp
mkdir -p "$HOME"
HAVE_ANSIBLE=0
command -v ansible-playbook >/dev/null && HAVE_ANSIBLE=1

# play FILE ARGS...: runs drover playbook in the project; $T/out, $T/err, $rc.
play() {
  local file=$1
  shift
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts "$file" "$@") >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}
# aplay FILE ARGS...: the same under ansible-playbook; $T/aout, $arc.
aplay() {
  local file=$1
  shift
  set +e
  (cd "$P" && ansible-playbook -i hosts "$file" "$@") >"$T/aout" 2>&1
  arc=$?
  set -e
}
has() { grep -qF -- "$1" "$T/out"; }
recap() { grep -E "^$1 +: " "${2:-$T/out}" | tr -s ' '; }
lines() { [[ -f $1 ]] && wc -l <"$1" | tr -d ' ' || echo 0; }
# same_as_ansible NAME FILE ARGS...: ansible-playbook gives the same exit
# code and recap lines as the drover run just made ($T/out, $rc). `reset`
# (a shell function, may be empty) restores the hosts' files first.
same_as_ansible() {
  local name=$1
  shift
  [[ $HAVE_ANSIBLE == 1 ]] || return 0
  local d_web1 d_web2 d_rc=$rc
  d_web1=$(recap web1)
  d_web2=$(recap web2)
  reset_files
  aplay "$@"
  check "$name: ansible-playbook exit code $arc = $d_rc" test "$arc" = "$d_rc"
  check "$name: ansible recap web1 [$(recap web1 "$T/aout")] = [$d_web1]" \
    test "$(recap web1 "$T/aout")" = "$d_web1"
  check "$name: ansible recap web2 [$(recap web2 "$T/aout")] = [$d_web2]" \
    test "$(recap web2 "$T/aout")" = "$d_web2"
  if [[ $arc != "$d_rc" || "$(recap web1 "$T/aout")" != "$d_web1" ]]; then cat "$T/aout" >&2; fi
}
reset_files() { rm -rf "$W/web1"/* "$W/web2"/*; }

# --- include_role and import_role with *_from
mkdir -p "$P/roles/inc/tasks" "$P/roles/inc/defaults" "$P/roles/inc/vars" "$P/roles/inc/handlers"
cat >"$P/roles/inc/tasks/main.yml" <<'EOF2'
- name: inc main
  shell: echo main >> {{ work }}/inc
  notify: inc restart
EOF2
cat >"$P/roles/inc/tasks/extra.yml" <<'EOF2'
- name: inc extra
  shell: echo extra-{{ p | default('none') }} >> {{ work }}/inc
- set_fact:
    seen_extra: "{{ inc_var }}-{{ inc_def }}"
EOF2
echo "inc_def: d-main" >"$P/roles/inc/defaults/main.yml"
echo "inc_def: d-other" >"$P/roles/inc/defaults/other.yml"
echo "inc_var: v-main" >"$P/roles/inc/vars/main.yml"
echo "inc_var: v-other" >"$P/roles/inc/vars/other.yml"
cat >"$P/roles/inc/handlers/main.yml" <<'EOF2'
- name: inc restart
  shell: echo restart >> {{ work }}/inc-handler
EOF2
cat >"$P/roles/inc/handlers/other.yml" <<'EOF2'
- name: inc restart
  shell: echo restart-other >> {{ work }}/inc-handler
EOF2
cat >"$P/include_role.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  tasks:
    - include_role: name=inc
    - name: a private role's vars are not visible after the include
      assert: {that: ["inc_var is not defined", "inc_def is not defined"]}
    - name: looped include with when and vars
      include_role:
        name: inc
        tasks_from: extra
      loop: [a, b, c]
      vars: {p: "{{ item }}"}
      when: item != 'b'
    - assert: {that: "seen_extra == 'v-main-d-main'"}
    - name: public include with vars_from and defaults_from
      include_role:
        name: "{{ 'in' ~ 'c' }}"
        tasks_from: extra
        vars_from: other
        defaults_from: other
        public: true
    - assert: {that: ["inc_var == 'v-other'", "inc_def == 'd-other'", "seen_extra == 'v-other-d-other'"]}
    - name: web1 only, tagged through apply
      include_role: {name: inc, tasks_from: extra, apply: {tags: [applied]}}
      when: inventory_hostname == 'web1'
      tags: [applied]
- hosts: web
  gather_facts: false
  tasks:
    - import_role: {name: inc, tasks_from: extra, vars_from: other, defaults_from: other, handlers_from: other}
    - assert: {that: "seen_extra == 'v-other-d-other'"}
    - name: notify the imported role's handler
      command: "true"
      notify: inc restart
EOF2
reset_files
play include_role.yml
check "include_role: exit 0" test "$rc" -eq 0
check "include_role: recap web1" test "$(recap web1)" = "web1 : ok=18 changed=9 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0 "
check "include_role: recap web2" test "$(recap web2)" = "web2 : ok=16 changed=8 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0 "
check "include_role: task order on web1" test "$(tr '\n' ' ' <"$W/web1/inc")" = "main extra-a extra-c extra-none extra-none extra-none "
check "include_role: task order on web2" test "$(tr '\n' ' ' <"$W/web2/inc")" = "main extra-a extra-c extra-none extra-none "
check "include_role: role handlers ran (include, then handlers_from)" test "$(tr '\n' ' ' <"$W/web1/inc-handler")" = "restart restart-other "
check "include_role: banner" has "TASK [include_role : inc]"
check "include_role: skipped item shown" has "skipping: [web1] => (item=b)"
check "include_role: role task banner" has "TASK [inc : inc extra]"
same_as_ansible include_role include_role.yml
reset_files
play include_role.yml --tags applied
check "include_role: --tags applied runs the include and the applied tasks" test "$(tr '\n' ' ' <"$W/web1/inc")" = "extra-none "
check "include_role: --tags applied, web2 skipped" test ! -e "$W/web2/inc"
same_as_ansible "include_role --tags" include_role.yml --tags applied

# --- module_defaults: play, role entry, block and task levels; short and FQCN names
mkdir -p "$P/roles/md/tasks"
cat >"$P/roles/md/tasks/main.yml" <<'EOF2'
- command: pwd
  register: from_role
EOF2
cat >"$P/module_defaults.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  module_defaults:
    ansible.builtin.command: {chdir: /tmp}
    shell: {chdir: /}
  roles:
    - role: md
      module_defaults: {command: {chdir: /etc}}
  tasks:
    - command: pwd
      register: a
    - block:
        - command: pwd
          register: b
        - command: pwd
          args: {chdir: /usr}
          register: c
      module_defaults:
        command: {chdir: "{{ '/v' ~ 'ar' }}"}
    - shell: pwd
      register: d
    - debug:
      module_defaults:
        debug: {msg: from-defaults}
      register: e
    - assert:
        that:
          - from_role.stdout == '/etc'
          - a.stdout == '/tmp'
          - b.stdout == '/var'
          - c.stdout == '/usr'
          - d.stdout == '/'
          - e.msg == 'from-defaults'
EOF2
play module_defaults.yml
check "module_defaults: exit 0 (asserts hold)" test "$rc" -eq 0
check "module_defaults: recap web1" test "$(recap web1)" = "web1 : ok=7 changed=5 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0 "
same_as_ansible module_defaults module_defaults.yml
cat >"$P/module_defaults_group.yml" <<'EOF2'
- hosts: web1
  gather_facts: false
  module_defaults:
    group/community.general.gitlab: {api_url: x}
    command: {chdir: /tmp}
  tasks:
    - command: pwd
      register: a
    - assert: {that: "a.stdout == '/tmp'"}
EOF2
play module_defaults_group.yml
check "module_defaults: action group ignored, exit 0" test "$rc" -eq 0
# (warnings are wrapped at 79 columns, as Ansible's: matched with lines joined)
check "module_defaults: action group warning" grep -q "action group 'group/community.general.gitlab' is not supported" <(cat "$T/out" "$T/err" | tr '\n' ' ')

# --- strategy: free: web2 runs its later tasks while web1 sleeps. The
# recap is compared with ansible-playbook's; its output order is not (it
# needs about 1.5s a task on these hosts, so its interleaving differs).
cat >"$P/free.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  strategy: free
  tasks:
    - name: slow on web1
      shell: "{{ 'sleep 3' if inventory_hostname == 'web1' else 'true' }}; date +%s%N > {{ work }}/t1"
    - name: second
      shell: date +%s%N > {{ work }}/t2
      notify: h
    - name: third
      command: "true"
      register: third
    - assert: {that: "third.rc == 0"}
  handlers:
    - name: h
      shell: date +%s%N > {{ work }}/h
EOF2
reset_files
play free.yml --json-log "$T/free.json"
check "free: exit 0" test "$rc" -eq 0
check "free: recap web1" test "$(recap web1)" = "web1 : ok=5 changed=4 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0 "
check "free: recap web2" test "$(recap web2)" = "web2 : ok=5 changed=4 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0 "
check "free: web2 ran its handler before web1 finished the slow task" \
  test "$(cat "$W/web2/h")" -lt "$(cat "$W/web1/t1")"
# The JSON log's results: web2's four results and handler come first.
order=$(python3 -c 'import json,sys
print(" ".join(e["host"] for e in map(json.loads, open(sys.argv[1])) if e["event"] == "host_result"))' "$T/free.json")
check "free: result order in the JSON log ($order)" test "$order" = "web2 web2 web2 web2 web2 web1 web1 web1 web1 web1"
check "free: banner before each new task's result" test "$(grep -c '^TASK \[slow on web1\]' "$T/out")" = 2
same_as_ansible free free.yml
cat >"$P/free_throttle.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  strategy: free
  tasks:
    - name: one host at a time
      shell: date +%s%N > {{ work }}/start; sleep 1; date +%s%N > {{ work }}/end
      throttle: 1
EOF2
reset_files
play free_throttle.yml
check "free + throttle: exit 0" test "$rc" -eq 0
check "free + throttle 1: the hosts ran the task one after the other" \
  test "$(cat "$W/web1/end")" -le "$(cat "$W/web2/start")" -o "$(cat "$W/web2/end")" -le "$(cat "$W/web1/start")"

# --- timeout: the task fails with Ansible's message and the remote command is killed
cat >"$P/timeout.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  tasks:
    - name: too slow
      shell: sleep 37; touch {{ work }}/too-late
      timeout: 2
      register: slow
      ignore_errors: true
    - command: echo fast
      timeout: 30
      register: fast
    - assert:
        that:
          - slow is failed
          - "slow.msg == 'The shell action failed to execute in the expected time frame (2) and was terminated'"
          - fast.stdout == 'fast'
EOF2
reset_files
SECONDS=0
play timeout.yml
elapsed=$SECONDS
check "timeout: exit 0 (asserts hold)" test "$rc" -eq 0
check "timeout: recap web1" test "$(recap web1)" = "web1 : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1 "
check "timeout: the run took about the timeout (${elapsed}s)" test "$elapsed" -lt 10
check "timeout: the remote command was killed" bash -c '! pgrep -f "[s]leep 37" >/dev/null'
check "timeout: fatal line shows the message" has "The shell action failed to execute in the expected time frame (2) and was terminated"
same_as_ansible timeout timeout.yml

# --- delegate_facts: set_fact and setup results land on the delegate
cat >"$P/delegate_facts.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  tasks:
    - name: a fact for web2, set from web1
      set_fact: {from_web1: "yes-{{ inventory_hostname }}"}
      delegate_to: web2
      delegate_facts: true
      when: inventory_hostname == 'web1'
    - name: without delegate_facts the fact stays on the task's host
      set_fact: {plain: 1}
      delegate_to: web2
      when: inventory_hostname == 'web1'
    - name: facts of web1, gathered by web2's task
      setup:
      delegate_to: web1
      delegate_facts: true
      when: inventory_hostname == 'web2'
    - assert:
        that:
          - hostvars['web2'].from_web1 == 'yes-web1'
          - hostvars['web1'].from_web1 is not defined
          - hostvars['web1'].plain == 1
          - hostvars['web2'].plain is not defined
          - hostvars['web1'].ansible_hostname is defined
          - hostvars['web2'].ansible_hostname is not defined
          - (from_web1 is defined) == (inventory_hostname == 'web2')
EOF2
play delegate_facts.yml
check "delegate_facts: exit 0 (asserts hold)" test "$rc" -eq 0
check "delegate_facts: recap web1" test "$(recap web1)" = "web1 : ok=3 changed=0 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0 "
check "delegate_facts: recap web2" test "$(recap web2)" = "web2 : ok=2 changed=0 unreachable=0 failed=0 skipped=2 rescued=0 ignored=0 "
check "delegate_facts: shown as delegated" has "ok: [web1 -> web2]"
same_as_ansible delegate_facts delegate_facts.yml

# --- failed_when false on a non-zero rc: the task and the host succeed
# (alone, as a list, with a loop), and the registered result says failed=false
cat >"$P/failed_when.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  tasks:
    - name: an expected failure (rc 1, "taken" on stderr)
      command: sh -c 'echo taken >&2; exit 1'
      register: r
      changed_when: r.rc == 0
      failed_when:
        - r.rc != 0
        - "'taken' not in r.stderr"
    - name: the same with one condition, in a loop
      command: sh -c 'exit {{ item }}'
      loop: [0, 3]
      register: l
      failed_when: item > 5
    - assert:
        that:
          - r.failed == false
          - r.failed_when_result == false
          - r.rc == 1
          - l.results | map(attribute='failed') | list == [false, false]
EOF2
play failed_when.yml
check "failed_when false with rc 1: exit 0 (asserts hold)" test "$rc" -eq 0
check "failed_when: recap web1" test "$(recap web1)" = "web1 : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0 "
same_as_ansible failed_when failed_when.yml

finish
