#!/usr/bin/env bash
# e2e: drover's host-settings modules (authorized_key, ini_file, getent, ...)
# on a Debian host booted WITHOUT python3 (tests/hosts/hosts.sh
# ":no-python"): run 1 changes every changing task; run 2 changes nothing;
# after the host drifts by hand, --check (with --diff) reports the changes
# and makes none; run 3 restores the state, checked with the host's own
# tools (cat, stat, getent). Differential: the same playbook run by
# ansible-playbook on a host WITH python3 gives the same recap counts and
# the same registered results, key by key. Bad arguments fail with the
# task's file:line and the argument's name.
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never skips)
# without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh
# shellcheck source=../lib/batch_twin.sh
source tests/lib/batch_twin.sh

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
mkdir -p "$P/www"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False

# Keys: two given inline (one task, two lines), one served over HTTP from
# this machine's loopback (authorized_key fetches a URL key).
for k in k1 k2 k3; do
  ssh-keygen -q -t ed25519 -N '' -C "$k@e2e" -f "$S/$k"
done
cp "$S/k3.pub" "$P/www/k3.pub"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$P/www" "$PORT" >/dev/null 2>&1 &
HTTP_PID=$!
hosts_on_exit "kill $HTTP_PID 2>/dev/null || true"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/k3.pub" >/dev/null && break; sleep 0.1; done
K1=$(cat "$S/k1.pub") K2=$(cat "$S/k2.pub") K3=$(cat "$S/k3.pub")

HOST_KEY=$(cut -d' ' -f1,2 "$S/k1.pub")
printf 'two_keys: |\n  %s\n  %s\nkey1: %s\nkey2: %s\nkey_url: http://127.0.0.1:%s/k3.pub\nhost_key: %s\n' \
  "$K1" "$K2" "$K1" "$K2" "$PORT" "$HOST_KEY" >"$P/vars.yml"

# git, locales and make are not in a minimal Debian: both hosts get them first.
for h in bare py; do
  hosts_ssh "$h" 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null &&
    apt-get install -y -q --no-install-recommends git locales make >/dev/null 2>&1' ||
    check "$h: installing git, locales and make" false
done
cp tests/e2e/host_settings_site.yml "$P/site.yml"
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
# shellcheck disable=SC2016 # expanded on the host
state_of_bare() {
  on_bare 'h=$(getent passwd e2ek | cut -d: -f6)
    cat "$h/.ssh/authorized_keys"; stat -c "%a %U" "$h/.ssh" "$h/.ssh/authorized_keys"
    echo ---; cat /etc/ssh/e2e_keys/e2ek; stat -c "%a %U" /etc/ssh/e2e_keys /etc/ssh/e2e_keys/e2ek
    echo ---; cat /etc/e2e/app.ini; stat -c "%a %U" /etc/e2e/app.ini
    echo ---; ssh-keygen -F git.example.test -f /root/.ssh/known_hosts | grep -v "^#"
    ssh-keygen -F hashed.example.test -f /root/.ssh/known_hosts | grep -c "^|1|"
    echo ---; git config --global user.name; git config --system core.editor
    echo ---; hostnamectl --static; hostname; readlink -f /etc/localtime; locale -a | grep -i "^de_DE"
    echo ---; cat /etc/sysctl.d/90-e2e.conf; grep "^e2ek" /etc/security/limits.conf
    cat /root/out.txt'
}
WANT_STATE="$K1
$K2
no-pty,from=\"127.0.0.1\" ${K3% *} from the web
700 e2ek
600 e2ek
---
$K1
755 root
600 e2ek
---
debug=1

[db]
host = localhost
replica = a
replica = b
640 root
---
git.example.test $HOST_KEY
1
---
drover e2e
vim
---
e2e-settings
e2e-settings
/usr/share/zoneinfo/Europe/Paris
de_DE.utf8
---
vm.swappiness=10
kernel.panic=30
e2ek	soft	nofile	4096
e2ek	hard	nofile	8192	#e2e
built"

# --- run 1: everything changes
play drover bare -e dump=1
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every changing task changed ($(recap bare))" changed_is bare 21
got=$(state_of_bare || true)
check "host state after run 1" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
on_bare cat /root/results.json >"$S/drover.json" || true
drover_recap1=$(recap bare)

# --- run 2: nothing changes
play drover bare
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
same_without_batching play drover bare
check "drover run 2: changed=0 ($(recap bare))" changed_is bare 0
drover_recap2=$(recap bare)

# --- the host drifts; --check --diff reports it and changes nothing
# shellcheck disable=SC2016 # expanded on the host
on_bare 'set -e; h=$(getent passwd e2ek | cut -d: -f6)
  sed -i '"'"'$d'"'"' "$h/.ssh/authorized_keys"; echo "# added by hand" >>/etc/ssh/e2e_keys/e2ek
  sed -i "s/^host = .*/host = elsewhere/" /etc/e2e/app.ini
  git config --global user.name someone; timedatectl set-timezone Etc/UTC
  hostnamectl set-hostname drifted; sed -i "s/=10/=60/" /etc/sysctl.d/90-e2e.conf' ||
  check "drifting the host by hand" false
drifted=$(state_of_bare || true)
play drover bare --check --diff
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
check "drover --check: 2 key, ini, git, hostname, timezone, sysctl tasks would change ($(recap bare))" \
  changed_is bare 7
check "drover --check changed nothing on the host" test "$(state_of_bare || true)" = "$drifted"
check "--diff shows the key put back" grep -qxF "+no-pty,from=\"127.0.0.1\" ${K3% *} from the web" "$S/out"
check "--diff shows the hand-added line removed" grep -qxF -- "-# added by hand" "$S/out"
check "--diff shows the ini value" grep -qxF -- "+host = localhost" "$S/out"

# --- run 3 restores the described state
play drover bare
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap bare))" changed_is bare 7
got=$(state_of_bare || true)
check "host state after run 3" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true

# --- no Python was needed
set +e
on_bare 'command -v python3'
status=$?
set -e
check "python3 still absent ('command -v python3' exited $status)" test "$status" -eq 1

# --- bad input: named with the task's file:line and the argument
bad() { # description expected-text task-yaml
  printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - %s\n' "$3" >"$P/bad.yml"
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts -l bare bad.yml) >"$S/out" 2>&1
  set -e
  check "$1: $(tr '\n' ' ' <"$S/out" | cut -c1-300)" grep -q "bad.yml:4.*$2" "$S/out"
}
bad "a wrong argument name" "usr" 'authorized_key: {usr: e2ek, key: x}'
bad "a wrong type" "exclusive" 'authorized_key: {user: e2ek, key: x, exclusive: maybe}'
bad "a missing required argument" "key" 'authorized_key: {user: e2ek}'
bad "an unknown state" "state" 'ini_file: {path: /tmp/x.ini, option: a, value: b, state: gone}'

# --- what a container cannot change: its /proc/sys is read-only, so a
# kernel setting applied with sysctl_set fails naming the key and the host.
# kernel.domainname is private to the host's UTS namespace: were /proc/sys
# writable, only the host would change.
ro=$(on_bare 'findmnt -no OPTIONS /proc/sys | cut -d, -f1' || true)
check "the host's /proc/sys is read-only ($ro)" test "$ro" = ro
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - sysctl: {name: kernel.domainname, value: e2e.test, sysctl_set: true, reload: false, sysctl_file: /etc/sysctl.d/91-e2e.conf}\n' >"$P/ro.yml"
set +e
(cd "$P" && "$DROVER" playbook -i hosts -l bare ro.yml) >"$S/out" 2>&1
rc=$?
set -e
check "sysctl_set on a read-only /proc/sys fails (rc=$rc)" test "$rc" -eq 2
check "the failure names the host and the key: $(grep -m1 'fatal' "$S/out" | cut -c1-200)" \
  grep -q 'fatal: \[bare\].*setting kernel.domainname failed.*/proc/sys is read-only' "$S/out"
check "the file was not written" test "$(on_bare 'test -e /etc/sysctl.d/91-e2e.conf; echo $?')" = 1

# modprobe: a minimal Debian has no kmod, this machine's kernel has no
# loadable modules (no /proc/modules), and a container could not load one
# anyway: a clear failure naming what is missing.
printf -- '- hosts: all\n  gather_facts: false\n  tasks:\n    - modprobe: {name: dummy, state: present}\n' >"$P/mod.yml"
set +e
(cd "$P" && "$DROVER" playbook -i hosts -l bare mod.yml) >"$S/out" 2>&1
rc=$?
set -e
check "modprobe fails clearly (rc=$rc): $(grep -m1 'fatal' "$S/out" | cut -c1-200)" \
  grep -Eq "fatal: \[bare\].*(executable .\"modprobe.\" on the host|/proc/modules)" "$S/out"

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
compare_results() {
  /usr/bin/python3 - "$S/ansible.json" "$S/drover.json" <<'PY'
import json, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"invocation", "failed"}
# Per task: keys that differ between two hosts or two runs by nature (the
# hosts' names before the change; hash_host's random salt).
task_skip = {"hostname": {"diff"}, "kh_hashed": {"diff"}, "kh_absent": {"diff"}}
bad = 0
def report(msg):
    global bad
    print(msg, file=sys.stderr)
    bad += 1
for task, ar in a.items():
    dr = d.get(task, {})
    for k, v in ar.items():
        if k in skip or k in task_skip.get(task, ()):
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
