#!/usr/bin/env bash
# e2e: drover's alternatives, mount and reboot modules on a Debian host
# booted WITHOUT python3 (tests/hosts/hosts.sh ":no-python"): run 1 changes
# every changing task; run 2 changes nothing; after the host drifts by hand,
# --check (with --diff) reports the changes and makes none; run 3 restores
# them; the host's state is checked with its own tools
# (update-alternatives --query, findmnt, /etc/fstab). reboot: the host
# reboots (the fixture boots an nspawn host again when it reboots), drover
# waits for it over a new session, the boot id changed and the fstab's
# mounts are back. Differential: the same playbook run by ansible-playbook
# on a host WITH python3 gives the same recap counts and the same
# registered results, key by key. Bad arguments fail with the task's
# file:line and the argument's name before the host is touched.
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never skips)
# without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh

passed=0 failed=0
check() { # description command...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what" >&2
  fi
}

hosts_start bare:no-python py
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False
cp tests/e2e/mount_alternatives_site.yml "$P/site.yml"
cp "$HOSTS_INVENTORY" "$P/hosts"

# play TOOL LIMIT ARGS... : runs drover or ansible-playbook on one host;
# sets rc, output in $S/out.
play() {
  local tool=$1 limit=$2
  shift 2
  set +e
  if [[ $tool == drover ]]; then
    (cd "$P" && "$DROVER" playbook -i hosts -l "$limit" site.yml "$@") >"$S/out" 2>&1
  else
    (cd "$P" && ansible-playbook -i hosts -l "$limit" site.yml "$@") >"$S/out" 2>&1
  fi
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
}
recap() { grep -E "^$1 +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }
changed_is() { grep -qE "^$1 +: ok=[0-9]+ +changed=$2 " "$S/out"; }
on_bare() { hosts_ssh bare "$@"; }
state_of_bare() {
  on_bare 'update-alternatives --query e2e-tool | sed -n "/^Status/,\$p"
    echo ---; update-alternatives --query e2e-ed | grep -E "^(Status|Value)"
    echo ---; grep e2e /etc/fstab
    echo ---; findmnt -rn -o TARGET,FSTYPE /mnt/e2e-tmp; findmnt -rn -o TARGET /mnt/e2e-bind
    cat /mnt/e2e-bind/hello; findmnt -rn "/mnt/e2e later" || echo "not mounted"'
}
WANT_STATE="Status: manual
Best: /usr/local/bin/e2e-two
Value: /usr/local/bin/e2e-two

Alternative: /usr/local/bin/e2e-one
Priority: 10
Slaves:
 e2e-tool.1 /usr/local/share/e2e-one.1

Alternative: /usr/local/bin/e2e-two
Priority: 20
Slaves:
 e2e-tool.1 /usr/local/share/e2e-two.1
---
Status: auto
Value: /usr/local/bin/e2e-one
---
tmpfs /mnt/e2e-tmp tmpfs size=8m,mode=0755 0 0
/srv/e2e-data /mnt/e2e-bind none bind 0 0
/srv/e2e-data /mnt/e2e\\040later none bind,noauto 0 0
---
/mnt/e2e-tmp tmpfs
/mnt/e2e-bind
hello
not mounted"

# --- run 1: everything changes
start=$SECONDS
play drover bare -e dump=1
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every changing task changed ($(recap bare))" changed_is bare 10
got=$(state_of_bare || true)
check "host state after run 1" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
on_bare cat /root/results.json >"$S/drover.json" || true
drover_recap1=$(recap bare)
echo "drover run 1: $((SECONDS - start)) s"

# --- run 2: nothing changes
play drover bare
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 2: changed=0 ($(recap bare))" changed_is bare 0
drover_recap2=$(recap bare)

# --- the host drifts; --check --diff reports it and changes nothing
on_bare 'set -e; update-alternatives --set e2e-tool /usr/local/bin/e2e-one >/dev/null
  update-alternatives --set e2e-ed /usr/local/bin/e2e-one >/dev/null
  umount /mnt/e2e-bind; sed -i "s/size=8m/size=4m/" /etc/fstab' ||
  check "drifting the host by hand" false
drifted=$(state_of_bare || true)
play drover bare --check --diff
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
check "drover --check: alternatives (2) and mounts (2) would change ($(recap bare))" \
  changed_is bare 4
check "drover --check changed nothing on the host" test "$(state_of_bare || true)" = "$drifted"
check "--diff shows the alternative's state" grep -qE '^\+ +"state": "selected"' "$S/out"

# --- run 3 restores the described state
play drover bare --diff
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap bare))" changed_is bare 4
got=$(state_of_bare || true)
check "host state after run 3" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true

# --- reboot: a new boot id, the fstab's mounts back, over a new session
start=$SECONDS
play drover bare --tags reboot
check "drover reboot succeeds (rc=$rc)" test "$rc" -eq 0
check "drover reboot: the reboot and the result file changed ($(recap bare))" changed_is bare 2
check "reboot result: changed, rebooted, elapsed, a new boot id ($(on_bare cat /root/reboot.json))" \
  test "$(on_bare cat /root/reboot.json)" = \
  '{"changed": true, "rebooted": true, "elapsed_is_int": true, "new_boot": true}'
got=$(state_of_bare || true)
check "host state after the reboot (systemd mounted the fstab)" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
echo "drover reboot: $((SECONDS - start)) s"

# --- mount's failures and the fstab-only state
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - mount: {path: /mnt/e2e-bad, src: /no/such/dir, fstype: none, opts: bind, state: mounted}\n' >"$P/fail.yml"
set +e
(cd "$P" && "$DROVER" playbook -i hosts -l bare fail.yml) >"$S/out" 2>&1
rc=$?
set -e
check "a failed mount fails the task (rc=$rc): $(grep -m1 fatal "$S/out" | cut -c1-200)" \
  grep -q 'fatal: \[bare\].*Error mounting /mnt/e2e-bad: mount: ' "$S/out"
check "a failed mount leaves the fstab and no directory" \
  test "$(on_bare 'grep -c e2e-bad /etc/fstab; test -e /mnt/e2e-bad; echo $?')" = "0
1"

# --- no Python was needed
set +e
on_bare 'command -v python3'
status=$?
set -e
check "python3 still absent ('command -v python3' exited $status)" test "$status" -eq 1

# --- bad input: named with the task's file:line and the argument, host untouched
bad() { # description expected-text task-yaml
  printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - %s\n' "$3" >"$P/bad.yml"
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts -l bare bad.yml) >"$S/out" 2>&1
  set -e
  check "$1: $(tr '\n' ' ' <"$S/out" | cut -c1-300)" grep -q "bad.yml:4.*$2" "$S/out"
  check "$1: refused before any host is contacted" \
    bash -c "! grep -qE '^(ok|changed|fatal): ' '$S/out'"
}
bad "alternatives: a wrong argument name" "pth" 'alternatives: {name: x, pth: /bin/true}'
bad "alternatives: a wrong type" "priority" 'alternatives: {name: x, path: /bin/true, priority: high}'
bad "alternatives: a missing required argument" "path" 'alternatives: {name: x}'
bad "alternatives: an unknown state" "state" 'alternatives: {name: x, path: /bin/true, state: gone}'
bad "mount: a wrong argument name" "fs_type" 'mount: {path: /mnt/x, src: tmpfs, fs_type: tmpfs, state: mounted}'
bad "mount: a wrong type" "boot" 'mount: {path: /mnt/x, src: tmpfs, fstype: tmpfs, boot: maybe, state: present}'
bad "mount: a missing required argument" "state" 'mount: {path: /mnt/x, src: tmpfs, fstype: tmpfs}'
bad "mount: an unknown state" "state" 'ansible.posix.mount: {path: /mnt/x, state: gone}'
bad "reboot: a wrong argument name" "reboot_timout" 'reboot: {reboot_timout: 5}'
bad "reboot: a wrong type" "reboot_timeout" 'reboot: {reboot_timeout: soon}'

# --- differential: ansible-playbook on the host with python3
play ansible py -e dump=1
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible_recap1=$(recap py)
check "run 1 recap: drover '$drover_recap1', ansible '$ansible_recap1'" \
  test "$drover_recap1" = "$ansible_recap1"
hosts_ssh py cat /root/results.json >"$S/ansible.json" || true
play ansible py
ansible_recap2=$(recap py)
check "run 2 recap: drover '$drover_recap2', ansible '$ansible_recap2'" \
  test "$drover_recap2" = "$ansible_recap2"
play ansible py --tags reboot
check "ansible-playbook reboot succeeds (rc=$rc)" test "$rc" -eq 0
check "ansible reboot result equals drover's ($(hosts_ssh py cat /root/reboot.json))" \
  test "$(hosts_ssh py cat /root/reboot.json)" = \
  '{"changed": true, "rebooted": true, "elapsed_is_int": true, "new_boot": true}'
compare_results() {
  /usr/bin/python3 - "$S/ansible.json" "$S/drover.json" <<'PY'
import json, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"invocation", "failed"}
bad = 0
def report(msg):
    global bad
    print(msg, file=sys.stderr)
    bad += 1
for task, ar in a.items():
    dr = d.get(task, {})
    for k, v in ar.items():
        if k in skip:
            continue
        if k not in dr:
            report(f"{task}.{k}: missing in drover (ansible {v!r})")
        elif dr[k] != v:
            report(f"{task}.{k}: ansible {v!r} drover {dr[k]!r}")
    for k in dr:
        if k not in ar and k not in skip:
            report(f"{task}.{k}: only in drover ({dr[k]!r})")
print(f"compared {sum(len(r) for r in a.values())} keys", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "registered results match ansible-playbook's key by key" compare_results

hosts_stop || check "hosts_stop reported leftovers" false
echo "$passed passed, $failed failed"
((failed == 0))
