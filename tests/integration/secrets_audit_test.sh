#!/usr/bin/env bash
# Secrets audit (issue 19): vaulted values, inline `!vault` and a file
# encrypted whole, used everywhere a playbook can use them (module
# arguments, a template, debug, register, a failing task's message, loops
# without loop_control.label, `environment`, `stdin`, no_log tasks and a
# handler; a login and become password from a vaulted host_vars file, used
# by sudo) in a run over ssh at -vvvv with --diff and --json-log, then a
# second run that changes the files (a diff of old and new content). The
# plaintexts must appear in none of these channels:
#   stdout, stderr, the JSON event log, the host's and the controller's
#   temporary directories (/tmp, /var/tmp, /dev/shm, the destination
#   directory's leftovers), and the host's process list (`ps -eo args`
#   sampled every 20 ms during both runs).
# The files the playbook writes on purpose (their content is the secret)
# are the only places the plaintext may be; the test checks they have it,
# so the values were really used. Derived forms (|upper, |b64encode ...)
# are outside this audit (issue 19's masking rule covers them).
# tests/integration/vault_secret_output_test.sh is the local-connection
# counterpart (output channels only).
source "$(dirname "$0")/sshd_lib.sh"
sshd_setup
sshd_start h
P=$T/project
D=$T/dest  # the host's destination directory
mkdir -p "$P" "$D"
# Unique per run, so another test's files can never match.
nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
INLINE="Iv7-inline-$nonce"
WHOLE="Wf3-whole-$nonce"
NOLOG="Nl5-nolog-$nonce"
BECOME="Bp2-become-$nonce"  # a local user's login and sudo password
U=drvaudit$$
make_user "$U" "$BECOME"
echo "$U ALL=(ALL:ALL) ALL" >"/etc/sudoers.d/$U"
chmod 440 "/etc/sudoers.d/$U"
echo "audit-pw-$nonce" >"$P/pw"
cd "$P"
"$DROVER" vault encrypt_string --vault-password-file pw "$INLINE" --name inline_secret >inline.yml
echo >>inline.yml
"$DROVER" vault encrypt_string --vault-password-file pw "$NOLOG" --name nolog_secret >>inline.yml
"$DROVER" vault encrypt --vault-password-file pw --output whole.yml - <<<"whole_secret: $WHOLE
whole_map:
  user: app
  password: $WHOLE"
mkdir -p host_vars
"$DROVER" vault encrypt --vault-password-file pw --output host_vars/u.yml - <<<"ansible_password: $BECOME
ansible_become_password: $BECOME"
cat >hosts <<EOF2
u ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h]} ansible_user=$U ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
h ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h]} ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'
EOF2
cat >app.conf.j2 <<'EOF2'
# {{ round }}
user={{ whole_map.user }}
password={{ whole_map.password }}
inline={{ inline_secret }}
EOF2
cat >site.yml <<EOF2
- hosts: h
  gather_facts: false
  vars_files: [inline.yml, whole.yml]
  vars:
    dest: $D
  tasks:
    - name: module argument (copy content)
      copy: content="{{ inline_secret }} {{ round }}\n" dest={{ dest }}/copy.txt mode=0600
    - name: template
      template: src=app.conf.j2 dest={{ dest }}/app.conf mode=0600
    - name: lineinfile (a diff of one line)
      lineinfile: path={{ dest }}/line.txt line="token={{ whole_secret }} {{ round }}" regexp=^token= create=yes mode=0600
    - debug: var=inline_secret
    - debug: msg="whole {{ whole_secret }} map {{ whole_map }}"
    - name: register the secret through stdin
      command: cat
      args:
        stdin: "{{ inline_secret }}"
      register: from_stdin
    - debug: var=from_stdin
    - name: environment
      shell: test "\$TOKEN" = "{{ whole_secret }}" && cat {{ dest }}/copy.txt
      environment:
        TOKEN: "{{ whole_secret }}"
      register: from_env
    - debug: var=from_env.stdout
    - name: a failing task whose output holds the secret
      shell: cat {{ dest }}/app.conf; exit 3
      ignore_errors: true
    - name: fail with the secret in the message
      fail: msg="cannot use {{ whole_secret }}"
      ignore_errors: true
    - name: a loop without loop_control.label
      debug: msg="item {{ item }}"
      loop: ["{{ inline_secret }}", "{{ whole_secret }}"]
    - name: a loop over a module
      copy: content="{{ item }}" dest={{ dest }}/loop-{{ idx }}.txt mode=0600
      loop: ["{{ inline_secret }}", "{{ whole_secret }}"]
      loop_control: {index_var: idx}
    - name: no_log
      copy: content="{{ nolog_secret }} {{ round }}" dest={{ dest }}/nolog.txt mode=0600
      no_log: true
      notify: secret handler
  handlers:
    - name: secret handler
      shell: grep -q "{{ nolog_secret }}" {{ dest }}/nolog.txt && echo "{{ nolog_secret }} via handler"
      register: handler_out

- hosts: u
  gather_facts: false
  become: true
  vars_files: [inline.yml]
  tasks:
    - name: become with a vaulted password
      command: id -un
      register: became
    - debug: var=became.stdout
    - name: a file written as root through sudo
      copy: content="{{ inline_secret }} {{ round }}" dest=$D/become.txt mode=0600
EOF2

# The host's process list, sampled until the runs end.
sample_ps() {
  while [[ -e $T/sampling ]]; do
    ps -eo args >>"$T/ps.txt"
    sleep 0.02
  done
}
: >"$T/sampling"
sample_ps &
EXTRA_PIDS+=($!)
sampler=$!

run() {  # ROUND: one -vvvv --diff --json-log run; output in $T/out-ROUND.txt ...
  set +e
  "$DROVER" playbook -i hosts --vault-password-file pw site.yml -vvvv --diff \
    --json-log "$T/events-$1.json" -e round="$1" >"$T/out-$1.txt" 2>"$T/err-$1.txt"
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || tail -n 15 "$T/out-$1.txt" "$T/err-$1.txt" >&2
}
run 1
check "run 1 succeeds (rc=$rc)" test "$rc" -eq 0
run 2
check "run 2 succeeds (rc=$rc)" test "$rc" -eq 0
rm -f "$T/sampling"
wait "$sampler" || true
check "the process list was sampled ($(grep -c '^' "$T/ps.txt") lines)" test "$(grep -c sshd "$T/ps.txt")" -gt 20

# The values were used: the files written on purpose hold them.
check "copy wrote the inline secret" grep -qF "$INLINE 2" "$D/copy.txt"
check "template wrote both secrets" grep -qF "password=$WHOLE" "$D/app.conf"
check "lineinfile wrote the whole-file secret" grep -qF "token=$WHOLE 2" "$D/line.txt"
check "no_log copy wrote its secret" grep -qF "$NOLOG 2" "$D/nolog.txt"
check "the loop wrote both items" grep -qF "$WHOLE" "$D/loop-1.txt"
check "the environment task saw the secret" grep -qF '"from_env.stdout": "********' "$T/out-1.txt"
check "--diff showed the template's change" grep -qF -- '-# 1' "$T/out-2.txt"
check "become worked (root through sudo)" grep -qF '"became.stdout": "root"' "$T/out-1.txt"
check "the become task wrote its file" grep -qF "$INLINE 2" "$D/become.txt"
check "the handler ran" grep -qF 'RUNNING HANDLER [secret handler]' "$T/out-1.txt"
check "the failing task failed" grep -qE 'rc=3|"rc": 3' "$T/out-1.txt"

leaks() {  # FILE...: prints the names of the files holding a plaintext
  grep -lF -e "$INLINE" -e "$WHOLE" -e "$NOLOG" -e "$BECOME" "$@" 2>/dev/null || true
}
for round in 1 2; do
  for f in out err events; do
    file=$(ls "$T/$f-$round".*)
    check "no plaintext in run $round's $f ($(leaks "$file"))" test -z "$(leaks "$file")"
  done
done
check "no plaintext in the host's process list" test -z "$(leaks "$T/ps.txt")"
# Every file under the temporary directories (both ends: the host is this
# machine), except the files written on purpose and this test's own records.
temp_leaks=$(find /tmp /var/tmp /dev/shm "$D" -xdev -type f -size -20M \
  ! -path "$D/*.txt" ! -path "$D/app.conf" ! -path "$T/ps.txt" ! -path "$T/out-*" \
  ! -path "$T/err-*" ! -path "$T/events-*" -print0 2>/dev/null |
  xargs -0 -r grep -lF -e "$INLINE" -e "$WHOLE" -e "$NOLOG" -e "$BECOME" 2>/dev/null || true)
check "no plaintext in /tmp, /var/tmp, /dev/shm or the destination directory: ${temp_leaks:-none}" test -z "$temp_leaks"
check "no temp file left in the destination directory" test -z "$(find "$D" -name '.drover-*')"
finish
