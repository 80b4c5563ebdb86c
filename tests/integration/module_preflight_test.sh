#!/usr/bin/env bash
# The pre-run check against a private sshd host: a run whose included task
# file (include_tasks with a static name), include_role or role handler
# uses modules drover does not implement is refused with ONE message naming
# each module and where it is used, before the host is touched; a misspelt
# argument (`mdoe:`) in a role task is refused with file:line:col before
# connecting; an unknown module is reported at the task's line with a
# suggestion. The host's state (files the first task would write) and the
# sshd's session count prove nothing ran.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start h1
P=$T/project
W=$T/work
mkdir -p "$P/roles/web/tasks" "$P/roles/web/handlers" "$P/roles/extra/tasks" "$P/tasks" "$W"
cat >"$P/hosts" <<EOF2
h1 ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h1]} ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
EOF2

play() {
  local file=$1
  shift
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts "$file" "$@") >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}
err_has() { grep -qF -- "$1" "$T/err"; }
untouched() { [[ ! -e $W/first ]] && ! grep -q "TASK \[" "$T/out"; }

# --- unimplemented modules in included files, roles and handlers
cat >"$P/site.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - name: first, changes the host
      copy: {content: "x\n", dest: $W/first}
    - include_tasks: tasks/more.yml
    - include_role: {name: extra}
  roles:
    - web
EOF2
cat >"$P/tasks/more.yml" <<'EOF2'
- name: a package from homebrew
  community.general.homebrew: {name: wget}
- name: an SELinux boolean
  seboolean: {name: httpd_can_network_connect, state: true}
EOF2
cat >"$P/roles/web/tasks/main.yml" <<'EOF2'
- name: a task drover runs
  command: /bin/true
  notify: reload
EOF2
cat >"$P/roles/web/handlers/main.yml" <<'EOF2'
- name: reload
  community.general.homebrew: {update_homebrew: true}
EOF2
cat >"$P/roles/extra/tasks/main.yml" <<'EOF2'
- ansible.posix.selinux: {state: disabled}
EOF2
play site.yml
check "refused (rc=$rc)" test "$rc" -ne 0
check "one message" test "$(grep -c 'not implemented yet in drover; no host was contacted' "$T/err")" -eq 1
check "homebrew named with both places" \
  grep -qE "community.general.homebrew \(not implemented yet in drover\), used at .*tasks/more.yml:1:3, .*roles/web/handlers/main.yml:1:3" "$T/err"
check "seboolean (short name, routed) in the included file" \
  grep -qE "ansible.posix.seboolean .*tasks/more.yml:3:3" "$T/err"
check "selinux in the included role" grep -qE "ansible.posix.selinux .*roles/extra/tasks/main.yml:1:3" "$T/err"
check "not 'unknown key'" bash -c "! grep -q 'unknown key' '$T/err'"
check "host untouched" untouched
[[ $failed -eq 0 ]] || cat "$T/err" >&2

# --- a misspelt argument in a role task, before connecting
cat >"$P/roles/web/tasks/main.yml" <<EOF2
- name: a file
  file:
    path: $W/x
    state: touch
    mdoe: "0644"
EOF2
cat >"$P/typo.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - name: first, changes the host
      copy: {content: "x\n", dest: $W/first}
  roles:
    - web
EOF2
play typo.yml
check "mdoe refused (rc=$rc)" test "$rc" -ne 0
check "mdoe at file:line:col with a suggestion" \
  grep -qE "roles/web/tasks/main.yml:5:11: .*unsupported argument 'mdoe'.*did you mean 'mode'" "$T/err"
check "host untouched by the typo run" untouched
[[ $failed -eq 0 ]] || cat "$T/err" >&2

# --- a wrong choice and a missing required argument, static; templated values pass
cat >"$P/roles/web/tasks/main.yml" <<EOF2
- name: a bad state
  file: {path: $W/y, state: dir}
- name: no path
  file: {state: touch}
- name: templated, checked at run time
  file: {path: "{{ somewhere }}", state: "{{ st }}"}
EOF2
play typo.yml
check "choice refused" grep -qE "roles/web/tasks/main.yml:.*value of 'state' must be one of" "$T/err"
check "missing required refused" grep -qE "roles/web/tasks/main.yml:3:.*missing required argument 'path'" "$T/err"
check "templated values not refused" bash -c "! grep -q 'somewhere' '$T/err'"
check "host untouched by the argument run" untouched

# --- an unknown module is reported at the task's line
cat >"$P/unknown.yml" <<'EOF2'
- hosts: h1
  gather_facts: false
  tasks:
    - name: misspelt
      community.general.homebrw: {name: wget}
EOF2
play unknown.yml
check "unknown module at the task line" \
  grep -qE "unknown.yml:4:7: couldn't resolve module/action 'community.general.homebrw'.*did you mean 'community.general.homebrew'" "$T/err"
check "host untouched by the unknown module" untouched

# --- the same site with every module implemented runs (the check lets it through)
cat >"$P/ok.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - include_tasks: tasks/ok.yml
EOF2
cat >"$P/tasks/ok.yml" <<EOF2
- copy: {content: "x\n", dest: $W/first}
EOF2
play ok.yml
check "an implemented run proceeds (rc=$rc)" test "$rc" -eq 0
check "and changes the host" test -e "$W/first"

# --- module_defaults above an include may supply a required argument
cat >"$P/defaults.yml" <<EOF2
- hosts: h1
  gather_facts: false
  module_defaults:
    ansible.builtin.file: {path: $W/from_defaults}
  tasks:
    - include_tasks: tasks/touch.yml
EOF2
cat >"$P/tasks/touch.yml" <<'EOF2'
- file: {state: touch}
EOF2
play defaults.yml
check "module_defaults supply path in an included file (rc=$rc)" test "$rc" -eq 0
check "and the file is made" test -e "$W/from_defaults"
[[ $failed -eq 0 ]] || { cat "$T/out" "$T/err" >&2; }

# --- become_method by FQCN runs; doas and runas are refused before contact
cat >"$P/become.yml" <<EOF2
- hosts: h1
  gather_facts: false
  become: true
  become_method: ansible.builtin.sudo
  tasks:
    - copy: {content: "x\n", dest: $W/become_sudo}
    - copy: {content: "x\n", dest: $W/become_su}
      become_method: ansible.builtin.su
EOF2
play become.yml
check "become_method ansible.builtin.sudo and ansible.builtin.su run (rc=$rc)" test "$rc" -eq 0
check "and change the host" test -e "$W/become_sudo" -a -e "$W/become_su"
for method in doas community.general.doas runas; do
  rm -f "$W/first"
  sed "s/become_method: ansible.builtin.su\$/become_method: $method/" "$P/become.yml" >"$P/become_bad.yml"
  sed -i "s|dest: $W/become_sudo|dest: $W/first|" "$P/become_bad.yml"
  play become_bad.yml
  check "become_method $method refused (rc=$rc)" test "$rc" -ne 0
  check "  ... naming the file:line and the method: $(head -c 200 "$T/err")" \
    grep -qE "become_bad.yml:[0-9]+.*become_method '$method' is not supported" "$T/err"
  check "  ... before any host is contacted" untouched
done
[[ $failed -eq 0 ]] || { cat "$T/out" "$T/err" >&2; }

# --- async with poll: 0 is refused before contact; with a poll it runs
rm -f "$W/first"
cat >"$P/async.yml" <<EOF2
- hosts: h1
  gather_facts: false
  tasks:
    - copy: {content: "x\n", dest: $W/first}
    - command: touch $W/async_polled
      async: 30
      poll: 2
    - command: sleep 1
      async: 30
      poll: 0
EOF2
play async.yml
check "async with poll: 0 refused (rc=$rc)" test "$rc" -ne 0
check "  ... naming the file:line: $(head -c 200 "$T/err")" \
  grep -qE "async.yml:8:7: async with poll: 0 .* is not implemented" "$T/err"
check "  ... before any host is contacted" untouched
sed -i '/sleep 1/,$d' "$P/async.yml"
play async.yml
check "async with a poll runs (rc=$rc)" test "$rc" -eq 0 -a -e "$W/async_polled"
[[ $failed -eq 0 ]] || { cat "$T/out" "$T/err" >&2; }
finish
