#!/usr/bin/env bash
# add_host and group_by against two private sshd hosts on 127.0.0.1,
# differentially: the same playbook under drover and ansible-playbook (both
# with --forks 1, so the output order is fixed) must print the same task
# lines, debug output (registered results, groups, group_names) and recap.
# The playbook adds a host that exists only through add_host (its address,
# port and user come from add_host's variables) and a second play targets
# the dynamic groups, so the new host must be connected to.
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start h1
sshd_start h2
sshd_start h3  # reached only as the add_host'ed host "extra"
P=$T/project
mkdir -p "$P"
cat >"$P/hosts" <<EOF2
[web]
h1 ansible_port=${SSHD_PORT[h1]}
h2 ansible_port=${SSHD_PORT[h2]}

[all:vars]
ansible_host=127.0.0.1
ansible_user=root
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
ansible_python_interpreter=/usr/bin/python3
EOF2
mkdir -p "$P/group_vars"
echo 'gv: from group_vars/by_h1.yml' >"$P/group_vars/by_h1.yml"
cat >"$P/site.yml" <<EOF2
- hosts: web
  gather_facts: false
  tasks:
    - name: add a host reachable only through its add_host variables
      add_host:
        name: extra
        groups: dynamic,extras
        ansible_port: ${SSHD_PORT[h3]}
        role_name_var: worker
      register: added
    - debug: var=added
    - name: adding it again changes nothing
      add_host: name=extra groups=dynamic
      register: again
    - debug: var=again
    - debug: msg="{{ groups }} {{ group_names }}"
    - name: add_host in a loop (never connected to)
      add_host:
        name: "{{ item }}"
        groups: [loopers]
      loop: [n1, n2]
      register: looped
    - debug: var=looped
    - debug: msg="{{ hostvars['extra']['role_name_var'] }} {{ hostvars['n2'] is defined }}"
    - group_by: key="{{ item }}"
      loop: [ga, gb]
    - group_by: key="by_{{ inventory_hostname }}" parents=grouped
      register: gb
    - debug: var=gb
    - name: group_vars of a group joined by group_by apply at once
      debug: msg="{{ gv | default('-') }}"
    - group_by: key=web
      register: gb_same
    - debug: var=gb_same
    - debug: msg="{{ groups }} {{ group_names }}"

- hosts: dynamic:grouped
  gather_facts: false
  tasks:
    - stat: path=/
      register: st
    - debug: msg="{{ inventory_hostname }} {{ st.stat.isdir }} {{ group_names }} {{ role_name_var | default('-') }}"

- hosts: by_h2
  gather_facts: false
  tasks:
    - debug: msg="{{ groups['grouped'] }} {{ groups['all'] }}"
EOF2

run() {  # run NAME COMMAND...: output without timing, in $T/NAME.out
  local name=$1
  shift
  set +e
  (cd "$P" && "$@" -i hosts site.yml -f 1) >"$T/$name.raw" 2>"$T/$name.err"
  echo "rc=$?" >>"$T/$name.raw"
  set -e
  sed '/^TASK TIMING/,/^$/d' "$T/$name.raw" | sed '/^$/d' >"$T/$name.out"
}
run drover "$DROVER" playbook
check "drover runs the playbook" grep -q "^rc=0" "$T/drover.out"
check "the add_host'ed host is connected to" grep -qE "^extra +: ok=2 +changed=0 +unreachable=0 +failed=0" "$T/drover.out"
check "group_by: second play sees the dynamic groups" grep -qE '"msg": "h1 True \[.by_h1., .ga., .gb., .grouped., .web.\] -"' "$T/drover.out"
check "group_by: the new group's group_vars apply in the same play" grep -qF '"msg": "from group_vars/by_h1.yml"' "$T/drover.out"
check "add_host vars reach the new host" grep -qE '"msg": "extra True \[.dynamic., .extras.\] worker"' "$T/drover.out"
if command -v ansible-playbook >/dev/null; then
  export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCALHOST_WARNING=False
  run ansible ansible-playbook
  check "ansible-playbook runs the playbook" grep -q "^rc=0" "$T/ansible.out"
  same() { diff -u "$T/ansible.out" "$T/drover.out" >&2; }
  check "output and recap equal ansible-playbook's" same
fi
finish
