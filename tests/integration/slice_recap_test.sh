#!/usr/bin/env bash
# `drover playbook --slice K/N` and `drover recap`: 20 hosts (20 private
# sshd on 127.0.0.1), a playbook where some tasks change and one host fails
# a task. One run over all hosts, then the same playbook on fresh working
# directories as 4 slices in 4 concurrent processes; the recap merged from
# the slices' JSON logs must be the single run's PLAY RECAP byte for byte,
# with its exit code (2), every host must have run in exactly one slice (the
# one sha1(name) % 4 + 1 names), and --list-hosts must agree. Also: strict
# --slice parsing (exit 2), the ansible-playbook link, and recap's refusals
# (missing, cut off, unfinished, duplicated slice, host in two logs).
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
HOSTS=()
for i in $(seq -w 1 20); do HOSTS+=("node$i"); done
start=$SECONDS
for h in "${HOSTS[@]}"; do sshd_start "$h"; done
echo "20 sshd started in $((SECONDS - start))s"
P=$T/project
W=$T/work
mkdir -p "$P" "$W"
{
  echo "[fleet]"
  # Written in reverse: the slices must not depend on the inventory's order.
  for ((i = ${#HOSTS[@]} - 1; i >= 0; i--)); do
    echo "${HOSTS[i]} ansible_port=${SSHD_PORT[${HOSTS[i]}]}"
  done
  cat <<EOF2

[fleet:vars]
ansible_host=127.0.0.1
ansible_user=root
ansible_ssh_private_key_file=$T/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
work=$W/{{ inventory_hostname }}
EOF2
} >"$P/hosts"
cat >"$P/site.yml" <<'EOF2'
- hosts: fleet
  gather_facts: false
  tasks:
    - file: {path: "{{ work }}", state: directory}
    - copy: {content: "{{ inventory_hostname }}\n", dest: "{{ work }}/name"}
    - name: record the run (counted by the test)
      shell: echo ran >> {{ work }}/runs
    - command: "true"
      changed_when: false
    - name: one host fails
      command: "test {{ inventory_hostname }} != node07"
    - lineinfile: {path: "{{ work }}/conf", line: "host={{ inventory_hostname }}", create: true}
    - debug: {msg: skipped}
      when: inventory_hostname == 'none'
- hosts: fleet
  gather_facts: false
  tasks:
    - copy: {content: "second play\n", dest: "{{ work }}/second"}
EOF2

# The PLAY RECAP section (banner to the end) of a stdout file.
recap_of() { sed -n '/^PLAY RECAP/,$p' "$1"; }

# --- one run over every host
start=$SECONDS
set +e
(cd "$P" && "$DROVER" playbook -i hosts -f 20 site.yml --json-log "$T/single.json") >"$T/single.out" 2>"$T/single.err"
single_rc=$?
set -e
check "the single run exits 2 (node07 failed)" test "$single_rc" -eq 2
check "the single run's recap lists 20 hosts" test "$(recap_of "$T/single.out" | grep -c '^node')" -eq 20
single_s=$((SECONDS - start))

# --- the same on fresh working directories, as 4 concurrent slices
rm -rf "$W" && mkdir -p "$W"
start=$SECONDS
pids=()
for k in 1 2 3 4; do
  (cd "$P" && exec "$DROVER" playbook -i hosts site.yml --slice "$k/4" --json-log "$T/slice$k.json") \
    >"$T/slice$k.out" 2>"$T/slice$k.err" &
  pids+=($!)
done
for k in 1 2 3 4; do
  set +e
  wait "${pids[k - 1]}"
  echo $? >"$T/slice$k.rc"
  set -e
done
echo "single run ${single_s}s, 4 slices $((SECONDS - start))s"
set +e
"$DROVER" recap "$T"/slice{1,2,3,4}.json >"$T/merged.out" 2>"$T/merged.err"
merged_rc=$?
set -e
check "drover recap exits as the single run did (2)" test "$merged_rc" -eq "$single_rc"
check "the merged recap is the single run's, byte for byte" \
  diff <(recap_of "$T/single.out") <(recap_of "$T/merged.out")
check "drover recap prints nothing but the recap" test "$(head -c 12 "$T/merged.out")" = $'\nPLAY RECAP '
[[ $failed -eq 0 ]] || cat "$T/merged.err" "$T"/slice*.err
check "the slice holding node07 exits 2, the others 0" bash -c "
  for k in 1 2 3 4; do
    want=0; grep -q '^node07 ' '$T/slice'\$k.out && want=2
    [[ \$(cat '$T/slice'\$k.rc) == \$want ]] || exit 1
  done"

# Every host ran in exactly one slice: one line in its runs file, its name
# in exactly one slice's recap, and that slice is sha1(name) % 4 + 1.
ran_once() {
  local h
  for h in "${HOSTS[@]}"; do
    [[ $(cat "$W/$h/runs" 2>/dev/null) == ran ]] || { echo "$h ran $(wc -l <"$W/$h/runs" 2>/dev/null || echo 0) times" >&2; return 1; }
  done
}
check "every host ran exactly once" ran_once
slice_rule() {
  local h k want
  # The documented rule, computed independently of drover.
  python3 -c 'import hashlib,sys
for h in sys.argv[1:]: print(h, int(hashlib.sha1(h.encode()).hexdigest()[:16], 16) % 4 + 1)' "${HOSTS[@]}" >"$T/rule"
  while read -r h want; do
    for k in 1 2 3 4; do
      if grep -q "^$h " <(recap_of "$T/slice$k.out"); then
        [[ $k == "$want" ]] || { echo "$h ran in slice $k, the rule says $want" >&2; return 1; }
      fi
    done
  done <"$T/rule"
}
check "each host ran in the slice sha1(name) % 4 + 1" slice_rule
# listed K COMMAND...: the hosts --list-hosts shows for slice K/4 (both plays), once each.
listed() {
  local k=$1
  shift
  (cd "$P" && "$@" -i hosts site.yml --list-hosts --slice "$k/4") | sed -n 's/^ *\(node[0-9]*\)$/\1/p' | sort -u
}
ran_in() { recap_of "$T/slice$1.out" | sed -n 's/^\(node[0-9]*\) .*/\1/p'; }
list_agrees() {
  local k
  for k in 1 2 3 4; do diff <(listed "$k" "$DROVER" playbook) <(ran_in "$k") || return 1; done
}
check "--list-hosts --slice K/4 lists the hosts slice K ran on" list_agrees

# --- the ansible-playbook link takes --slice too
link=$(dirname "$DROVER")/bin/ansible-playbook
check "ansible-playbook --slice (drover's link) lists the same slice" \
  diff <(listed 2 "$link") <(ran_in 2)

# --- strict --slice values: usage error, exit 2, no host contacted
bad_slice() {
  local rc=0
  (cd "$P" && "$DROVER" playbook -i hosts site.yml --slice "$1") >"$T/bad.out" 2>"$T/bad.err" || rc=$?
  [[ $rc -eq 2 ]] && grep -q "invalid --slice '$1'" "$T/bad.err" && ! grep -q 'TASK' "$T/bad.out"
}
for v in 0/4 5/4 4 1/0 a/b -1/4 "1/4 " 2/4/8; do check "--slice '$v' is a usage error" bad_slice "$v"; done

# --- recap refuses what is not one complete sliced run, naming the file
refuses() {  # expected-stderr-text files...
  local want=$1 rc=0
  shift
  "$DROVER" recap "$@" >"$T/r.out" 2>"$T/r.err" || rc=$?
  [[ $rc -eq 1 ]] && grep -qF -- "$want" "$T/r.err" || { cat "$T/r.err" >&2; return 1; }
}
check "recap: a missing log" refuses "cannot read the JSON log $T/nope.json" "$T"/slice{1,2,3}.json "$T/nope.json"
head -c -20 "$T/slice3.json" >"$T/cut.json"
check "recap: a cut-off log" refuses "$T/cut.json: the last event is cut off" "$T"/slice{1,2,4}.json "$T/cut.json"
grep -v '"event": "recap"' "$T/slice3.json" >"$T/unfinished.json"
check "recap: a log without its recap" refuses "$T/unfinished.json: no recap at the end" "$T"/slice{1,2,4}.json "$T/unfinished.json"
check "recap: a slice missing" refuses "the log of slice 4/4 is missing" "$T"/slice{1,2,3}.json
check "recap: a slice twice" refuses "are both slice 2/4" "$T"/slice{1,2,3,4}.json "$T/slice2.json"
check "recap: a host in two logs" refuses "host node01 is in both $T/single.json and $T/single.json" "$T/single.json" "$T/single.json"
check "recap: a sliced and an unsliced log" refuses "is not the log of a --slice run" "$T/single.json" "$T/slice1.json"
check "recap: no file is a usage error (2)" bash -c "'$DROVER' recap 2>/dev/null; [[ \$? -eq 2 ]]"
finish
