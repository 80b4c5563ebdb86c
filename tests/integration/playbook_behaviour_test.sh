#!/usr/bin/env bash
# `drover playbook` against two private sshd hosts on 127.0.0.1: conditions,
# every loop form, register, handlers (notify twice, from a role, flushed,
# skipped on failure unless forced), block/rescue/always, tags (never,
# always), serial, run_once, delegate_to localhost, until/retries, check
# mode, no_log. Assertions are on the recap, the hosts' files and the
# output; the playbooks also assert registered values themselves. Expected
# recap counts are ansible-playbook 2.14's for the same playbooks.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start web1
sshd_start web2
P=$T/project
mkdir -p "$P/roles/app/tasks" "$P/roles/app/handlers" "$P/roles/notifier/tasks"
W=$T/work   # each host writes under $W/<inventory_hostname>
mkdir -p "$W"
cat >"$P/hosts" <<EOF2
[web]
web1 ansible_port=${SSHD_PORT[web1]}
web2 ansible_port=${SSHD_PORT[web2]}

[web:vars]
ansible_host=127.0.0.1
ansible_user=root
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
work=$W/{{ inventory_hostname }}
EOF2

# play FILE ARGS...: runs drover playbook in the project; $T/out, $T/err, $rc.
play() {
  local file=$1
  shift
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts "$file" "$@") >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}
has() { grep -qF -- "$1" "$T/out"; }
recap() { grep -E "^$1 +: " "$T/out" | tr -s ' '; }
lines() { [[ -f $1 ]] && wc -l <"$1" | tr -d ' ' || echo 0; }

# --- conditions, loops, register
cat >"$P/loops.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  vars:
    pkgs: [nginx, git]
    users: {alice: {uid: 1001}, bob: {uid: 1002}}
    groups_list: [{name: a, members: [x, y]}, {name: b, members: [z]}]
  tasks:
    - shell: mkdir -p {{ work }}
    - command: echo {{ item }}
      loop: "{{ pkgs }}"
      register: looped
    - assert:
        that:
          - looped.results | length == 2
          - looped.results[1].stdout == 'git'
          - looped.results[0].item == 'nginx'
          - looped.changed
    - debug: msg="{{ item.key }}={{ item.value.uid }}"
      with_dict: "{{ users }}"
      register: d
    - assert: {that: ["d.results | map(attribute='msg') | list == ['alice=1001', 'bob=1002']"]}
    - set_fact: seq="{{ seq | default([]) + [item] }}"
      with_sequence: start=1 end=3
    - assert: {that: "seq == ['1', '2', '3']"}
    - set_fact: pairs="{{ pairs | default([]) + [item.0 ~ item.1] }}"
      with_together: [[a, b], [1, 2]]
    - set_fact: nest="{{ nest | default([]) + [item[0] ~ item[1]] }}"
      with_nested: [[x, y], [1, 2]]
    - set_fact: subs="{{ subs | default([]) + [item.0.name ~ ':' ~ item.1] }}"
      with_subelements: [ "{{ groups_list }}", members ]
    - set_fact: flat="{{ flat | default([]) + [item] }}"
      with_items: [[1, 2], 3]
    - assert:
        that:
          - pairs == ['a1', 'b2']
          - nest == ['x1', 'x2', 'y1', 'y2']
          - subs == ['a:x', 'a:y', 'b:z']
          - flat == [1, 2, 3]
    - name: only on web1
      shell: touch {{ work }}/only-web1
      when: inventory_hostname == 'web1'
    - name: per item condition
      shell: echo {{ item }} >> {{ work }}/items
      loop: [1, 2, 3, 4]
      when: item is even
      loop_control: {label: "n{{ item }}"}
EOF2
play loops.yml
check "loops: exit 0" test "$rc" -eq 0
check "loops: recap web1" test "$(recap web1)" = "web1 : ok=14 changed=4 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0 "
check "loops: web2 skipped the conditional task" test "$(recap web2)" = "web2 : ok=13 changed=3 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0 "
check "loops: when on web1 only" test -f "$W/web1/only-web1" -a ! -f "$W/web2/only-web1"
check "loops: per-item when" test "$(cat "$W/web1/items" | tr '\n' ' ')" = "2 4 "
check "loops: item label" has "changed: [web1] => (item=n2)"
check "loops: skipped item line" has "skipping: [web1] => (item=n1)"

# --- handlers
cat >"$P/roles/app/tasks/main.yml" <<'EOF2'
- name: app config
  shell: echo config >> {{ work }}/app-config
  notify: restart app
EOF2
cat >"$P/roles/app/handlers/main.yml" <<'EOF2'
- name: restart app
  shell: echo restart >> {{ work }}/app-restarts
EOF2
cat >"$P/roles/notifier/tasks/main.yml" <<'EOF2'
- name: notify another role's handler
  command: "true"
  notify: restart app
EOF2
cat >"$P/handlers.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  roles: [app, notifier]
  tasks:
    - name: notify twice
      command: "true"
      notify: [h1, h1]
    - name: notify again
      command: "true"
      notify: h1
    - meta: flush_handlers
    - name: after flush
      shell: echo after >> {{ work }}/order
    - name: fail on web2
      fail: msg=stop
      when: inventory_hostname == 'web2'
    - name: notify after failure point
      command: "true"
      notify: h2
  handlers:
    - name: h1
      shell: echo h1 >> {{ work }}/order
    - name: h2
      listen: topic
      shell: echo h2 >> {{ work }}/h2
    - name: h2 too
      listen: h2
      shell: echo h2 >> {{ work }}/h2too
EOF2
rm -f "$W"/*/order "$W"/*/app-restarts
play handlers.yml
check "handlers: exit 2 (web2 failed)" test "$rc" -eq 2
check "handlers: h1 ran once, before 'after flush'" test "$(cat "$W/web1/order" | tr '\n' ' ')" = "h1 after "
check "handlers: role handler notified from two roles ran once" test "$(lines "$W/web1/app-restarts")" = 1
check "handlers: h2 ran on web1" test "$(lines "$W/web1/h2")" = 1
check "handlers: h2 not on failed web2" test ! -f "$W/web2/h2"
check "handlers: every handler listening to a notified name runs (h2 too)" test "$(lines "$W/web1/h2too")" = 1
check "handlers: banner" has "RUNNING HANDLER [app : restart app]"
rm -f "$W"/*/h2
cat >"$P/forced.yml" <<'EOF2'
- hosts: web1
  gather_facts: false
  tasks:
    - command: "true"
      notify: topic
    - fail: msg=stop
  handlers:
    - name: h2
      listen: topic
      shell: echo h2 >> {{ work }}/h2
EOF2
play forced.yml
check "handlers: not run after failure" test ! -f "$W/web1/h2"
play forced.yml --force-handlers
check "handlers: --force-handlers runs them (by listen topic)" test "$(lines "$W/web1/h2")" = 1

# --- block / rescue / always, tags
cat >"$P/blocks.yml" <<'EOF2'
- hosts: web1
  gather_facts: false
  tasks:
    - block:
        - shell: echo in-block >> {{ work }}/blocks
        - command: /bin/false
        - shell: echo not-reached >> {{ work }}/blocks
      rescue:
        - shell: echo rescue >> {{ work }}/blocks
      always:
        - shell: echo always >> {{ work }}/blocks
      tags: blk
    - name: tagged never
      shell: echo never >> {{ work }}/tags
      tags: [never, debug]
    - name: tagged always
      shell: echo always >> {{ work }}/tags
      tags: always
    - name: tagged x
      shell: echo x >> {{ work }}/tags
      tags: x
EOF2
rm -f "$W/web1/blocks" "$W/web1/tags"
play blocks.yml
check "blocks: rescued run exits 0" test "$rc" -eq 0
check "blocks: order" test "$(cat "$W/web1/blocks" | tr '\n' ' ')" = "in-block rescue always "
check "blocks: recap counts the rescue" test "$(recap web1)" = "web1 : ok=5 changed=5 unreachable=0 failed=0 skipped=0 rescued=1 ignored=0 "
check "tags: never skipped, others ran" test "$(cat "$W/web1/tags" | tr '\n' ' ')" = "always x "
rm -f "$W/web1/tags" "$W/web1/blocks"
play blocks.yml --tags debug
check "tags: --tags debug runs never-tagged and always" test "$(cat "$W/web1/tags" | tr '\n' ' ')" = "never always "
check "tags: untagged block skipped" test ! -f "$W/web1/blocks"
rm -f "$W/web1/tags"
play blocks.yml --skip-tags always,blk
check "tags: --skip-tags" test "$(cat "$W/web1/tags" | tr '\n' ' ')" = "x "

# --- serial, run_once, delegate_to, until
cat >"$P/misc.yml" <<'EOF2'
- hosts: web
  gather_facts: false
  serial: 1
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ playbook_dir }}/serial-order
- hosts: web
  gather_facts: false
  tasks:
    - name: once
      shell: echo once >> {{ playbook_dir }}/once
      run_once: true
      register: o
    - assert: {that: "o.changed"}
    - name: on the controller
      command: hostname
      delegate_to: localhost
    - name: retry until
      shell: echo x >> {{ work }}/tries; wc -l < {{ work }}/tries
      register: r
      until: r.stdout | int >= 3
      retries: 5
      delay: 0
    - assert: {that: ["r.attempts == 3"]}
EOF2
rm -f "$P/serial-order" "$P/once" "$W"/*/tries
play misc.yml
check "misc: exit 0" test "$rc" -eq 0
check "serial: two PLAY banners for two batches" test "$(grep -c '^PLAY \[web\]' "$T/out")" = 3
check "serial: hosts one by one" test "$(cat "$P/serial-order" | tr '\n' ' ')" = "web1 web2 "
check "run_once: ran once" test "$(lines "$P/once")" = 1
check "delegate_to: shown as delegated" has "changed: [web1 -> localhost]"
check "until: retried to 3 tries" test "$(lines "$W/web2/tries")" = 3

# --- check mode
cat >"$P/check.yml" <<'EOF2'
- hosts: web1
  gather_facts: false
  tasks:
    - shell: touch {{ work }}/check-created
      args: {creates: "{{ work }}/check-created"}
    - command: touch {{ work }}/check-created2
EOF2
play check.yml --check
check "check mode: exit 0" test "$rc" -eq 0
check "check mode: nothing created" test ! -e "$W/web1/check-created" -a ! -e "$W/web1/check-created2"

# --- no_log: the value appears nowhere, not even in the JSON log
cat >"$P/nolog.yml" <<'EOF2'
- hosts: web1
  gather_facts: false
  tasks:
    - name: secret use
      shell: echo {{ token }}
      no_log: true
      register: s
    - debug: msg="{{ s.stdout | length }}"
EOF2
play nolog.yml -e token=Sup3rS3cretT0ken -v --json-log "$T/events.json"
check "no_log: exit 0" test "$rc" -eq 0
check "no_log: censored in output" has "the output has been hidden due to the fact that 'no_log: true' was specified"
check "no_log: value not in output" bash -c "! grep -q Sup3rS3cretT0ken '$T/out' '$T/err'"
check "no_log: value not in JSON log" bash -c "! grep -q Sup3rS3cretT0ken '$T/events.json'"
check "json log: one event per line, recap last" bash -c "tail -1 '$T/events.json' | python3 -c 'import json,sys; e=json.loads(sys.stdin.read()); sys.exit(e[\"event\"] != \"recap\")'"

finish
