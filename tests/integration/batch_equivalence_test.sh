#!/usr/bin/env bash
# Batching (modules/path_probe.h) changes how many round trips a run takes,
# never what it does or says: a module-heavy playbook run with batching on
# and off, from the same starting state on two private sshd hosts, must
# print the same output (timings removed), the same recap, the same JSON
# events and registered values. Cycles: first run (changes), rerun (no
# change), a host-side edit then --check --diff, tags and --start-at-task.
# Forks 1, so the order of host results is the same in both runs.
# Also checks that the rerun really batched (fewer round trips than tasks).
# h1 and h2 are distinct machines (boot ids of their own: a write on one
# does not void what the other read ahead); the second and third plays
# (group pair: h1 and its alias h1b, one machine) cover the probes a
# command or a write carries for the tasks after it, and their voiding by
# the alias's writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DROVER="${DROVER:-$PWD/build/drover}"
source tests/integration/sshd_lib.sh
sshd_setup
inv=$T/hosts
echo "[solo]" >"$inv"
for h in h1 h2; do
  sshd_start "$h" machine
  echo "$h ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[$h]} work=$T/work/$h" >>"$inv"
done
# h1b is h1 again (same sshd, same machine) under another name: the pair
# shares a directory, so one's write must void the other's answers.
cat >>"$inv" <<EOF2
[pair]
h1
h1b ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h1]} work=$T/work/h1b
[pair:vars]
shared=$T/work/shared
[all:vars]
ansible_user=root
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
EOF2
mkdir -p "$T/pb/templates" "$T/pb/files"
printf 'name={{ inventory_hostname }} item={{ item | default("none") }}\n' >"$T/pb/templates/t.j2"
printf 'static file\n' >"$T/pb/files/static.txt"
cat >"$T/pb/site.yml" <<'EOF2'
- hosts: solo
  gather_facts: false
  handlers:
    - name: note
      copy: {content: "handled\n", dest: "{{ work }}/handled"}
  tasks:
    - file: {path: "{{ work }}", state: directory, mode: "0755"}
    - file: {path: "{{ work }}/d{{ item }}", state: directory}
      loop: [1, 2, 3]
    - copy: {content: "one\n", dest: "{{ work }}/one"}
      notify: note
    - copy: {src: static.txt, dest: "{{ work }}/d1/"}
    - copy: {content: "{{ inventory_hostname }}\n", dest: "{{ work }}/d2/host"}
    - template: {src: t.j2, dest: "{{ work }}/t{{ item }}.conf", mode: "0640"}
      loop: [a, b, c]
    - lineinfile: {path: "{{ work }}/one", line: "two"}
    - lineinfile: {path: "{{ work }}/cfg", line: "x=1", create: true}
      tags: [cfg]
    - lineinfile: {path: "{{ work }}/cfg", regexp: "^x=", line: "x=2"}
      when: inventory_hostname == 'h1'
      tags: [cfg]
    - name: edit that fails on a missing file
      lineinfile: {path: "{{ work }}/absent", line: "y"}
      ignore_errors: true
    - copy: {content: "same\n", dest: "{{ work }}/same"}
      register: same_reg
    - debug: {var: same_reg}
    - set_fact: {extra: "{{ work }}/extra"}
    - file: {path: "{{ extra }}", state: touch, modification_time: preserve, access_time: preserve}
    - name: after set_fact
      lineinfile: {path: "{{ extra }}", line: "e"}
    - command: 'true'
      changed_when: false
    - name: final
      template: {src: t.j2, dest: "{{ work }}/final"}
      register: final_reg
    - debug: {var: final_reg}
# Both aliases on each task (forks 1: h1 then h1b; before the play that
# stops h1): h1's command carries the next tasks' probes, then h1b's
# command changes what they asked, so h1 must ask again.
- hosts: pair
  gather_facts: false
  tasks:
    - file: {path: "{{ shared }}", state: directory}
    - command: 'true'
      changed_when: false
    - shell: 'echo {{ inventory_hostname }} >> {{ shared }}/both'
      changed_when: false
    - lineinfile: {path: "{{ shared }}/both", line: "tail-{{ inventory_hostname }}"}
    - copy: {content: "{{ inventory_hostname }}\n", dest: "{{ shared }}/last"}
# Distinct machines on each task: each one's command carries its next
# probes, and the other's writes leave them good.
- hosts: solo
  gather_facts: false
  tasks:
    - shell: 'echo run >> {{ work }}/log'
      changed_when: false
    - lineinfile: {path: "{{ work }}/log", line: "tail"}
    - command: 'true'
      changed_when: false
    - copy: {content: "solo\n", dest: "{{ work }}/solo"}
    - file: {path: "{{ work }}/solo", mode: "0600"}
# Writes that carry the next tasks' probes (ExecThenProbe): commands
# between file tasks, a command that changes a file the next task probes,
# a write on one alias of a file the other alias probes next, failing
# commands mid-batch. serial: 1: h1 runs the play, then h1b sees what it
# left.
- hosts: pair
  gather_facts: false
  serial: 1
  tasks:
    - file: {path: "{{ shared }}", state: directory}
    - command: 'true'
      changed_when: false
    - copy: {content: "shared\n", dest: "{{ shared }}/f"}
    - lineinfile: {path: "{{ shared }}/f", line: "{{ inventory_hostname }}"}
    - shell: 'echo by-{{ inventory_hostname }} >> {{ shared }}/g'
      changed_when: false
    - lineinfile: {path: "{{ shared }}/g", line: "end"}
    - file: {path: "{{ shared }}/dir-{{ inventory_hostname }}", state: directory}
    - command: 'false'
      when: inventory_hostname == 'h1b'
      ignore_errors: true
    - copy: {content: "after fail\n", dest: "{{ shared }}/after-{{ inventory_hostname }}"}
    - command: 'cat {{ shared }}/f'
      changed_when: false
    - template: {src: t.j2, dest: "{{ shared }}/t-{{ inventory_hostname }}"}
    - command: 'false'
      when: inventory_hostname == 'h1'
    - file: {path: "{{ shared }}/last-{{ inventory_hostname }}", state: touch,
             modification_time: preserve, access_time: preserve}
    - copy: {content: "x\n", dest: "{{ shared }}/f"}
EOF2

# Output with what varies between two runs removed (times, temp names).
normalize() {
  sed -E -e 's/[0-9]+\.[0-9]+s\b/Xs/g' -e 's/"(start|end|delta|mtime|atime|ctime|inode)": *"?[^",}]*"?/"\1": X/g' \
    -e 's/\.[0-9]+\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9:]+~/.BACKUP~/g' "$1"
}
json_events() {  # keys that carry times dropped
  python3 - "$1" <<'PY'
import json, sys
def scrub(v):
    if isinstance(v, dict):
        return {k: scrub(x) for k, x in v.items()
                if k not in ("start", "end", "delta", "duration", "time", "timestamp",
                             "mtime", "atime", "ctime", "inode", "elapsed")}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    return v
for line in open(sys.argv[1]):
    print(json.dumps(scrub(json.loads(line)), sort_keys=True))
PY
}

run_cycles() {  # label env-setting
  local label=$1 batch=$2 n=0
  rm -rf "$T/work"
  mkdir -p "$T/work"
  cycle() {
    n=$((n + 1))
    DROVER_BATCH=$batch DROVER_STATS=1 "$DROVER" playbook -i "$inv" "$T/pb/site.yml" -f 1 \
      --json-log "$T/$label.$n.json" "$@" >"$T/$label.$n.out" 2>&1 || true
    grep -o '[0-9]* round trips' "$T/$label.$n.out" >"$T/$label.$n.trips" || true
    sed -i '/round trips/d' "$T/$label.$n.out"
    normalize "$T/$label.$n.out" >"$T/$label.$n.norm"
    json_events "$T/$label.$n.json" >"$T/$label.$n.events"
  }
  cycle                        # 1: fresh
  cycle                        # 2: no change
  [[ -d $T/work/h1 ]] || { cat "$T/$label.1.out"; exit 1; }
  echo "x=9" >"$T/work/h1/cfg"
  rm -f "$T/work/h2/tb.conf"
  cycle --check --diff         # 3
  cycle --tags cfg --diff      # 4
  cycle --start-at-task "after set_fact"  # 5
  cycle                        # 6: back to no change
  (cd "$T/work" && find . -printf '%p %m %s\n' | sort && find . -type f | sort | xargs cat) \
    >"$T/$label.state"
}
run_cycles on 1
run_cycles off 0

for n in 1 2 3 4 5 6; do
  check "cycle $n: same output with batching on and off" \
    diff -u "$T/off.$n.norm" "$T/on.$n.norm"
  check "cycle $n: same JSON events" diff -u "$T/off.$n.events" "$T/on.$n.events"
done
check "same files on the hosts at the end" diff -u "$T/off.state" "$T/on.state"
on_trips=$(grep -o '^[0-9]*' "$T/on.2.trips" || echo 0)
off_trips=$(grep -o '^[0-9]*' "$T/off.2.trips" || echo 0)
echo "no-change rerun round trips: batching on $on_trips, off $off_trips"
check "batching saved round trips on the rerun" test "$on_trips" -lt "$off_trips"
finish
