#!/usr/bin/env bash
# e2e: drover's system modules (group, user, apt, template, systemd) on a
# Debian host booted WITHOUT python3 (tests/hosts/hosts.sh ":no-python"):
#   run 1 changes every task; run 2 changes nothing (changed=0); after the
#   host is changed by hand, --check reports the changes and makes none; run
#   3 restores the state; the host's state is checked from outside (dpkg-query,
#   getent, systemctl is-active/is-enabled, the service's output file) and
#   python3 is still absent. Differential: the same playbook run by
#   ansible-playbook on a host WITH python3 gives the same recap counts and
#   the same registered results, key by key where keys are deterministic.
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
mkdir -p "$P/templates"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False

# Ansible's apt module needs python3-apt: give the reference host what
# Ansible would install itself, then leave its package lists as empty as the
# bare host's. Both caches are made two days old, so that cache_valid_time
# updates them on the first run only.
hosts_ssh py 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null &&
  apt-get install -y -q python3-apt >/dev/null 2>&1 && rm -rf /var/lib/apt/lists/*' ||
  check "py: installing python3-apt" false
for h in bare py; do
  hosts_ssh "$h" "touch -d '2 days ago' /var/lib/apt/lists" || check "$h: aging the apt cache" false
done

HASH=$(openssl passwd -6 -salt e2esaltsalt 'not-a-real-password')
cat >"$P/vars.yml" <<EOF
greeting: "hi from drover"
password_hash: '$HASH'
EOF
cat >"$P/templates/e2e.conf.j2" <<'EOF'
# managed by {{ 'drover e2e' }}
GREETING="{{ greeting }}"
EOF
cat >"$P/templates/e2e.service.j2" <<'EOF'
[Unit]
Description=drover e2e service
[Service]
User=e2e
EnvironmentFile=/etc/default/e2e
ExecStart=/bin/sh -c 'hello -g "$GREETING" >/home/e2e/hello.out; exec sleep infinity'
[Install]
WantedBy=multi-user.target
EOF
cat >"$P/site.yml" <<'EOF'
- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  tasks:
    - name: a group with a fixed gid
      group: {name: e2eops, gid: 3100}
      register: r_group
    - name: a user in groups, with a shell and a hashed password
      user:
        name: e2e
        groups: [e2eops, audio]
        shell: /bin/sh
        comment: drover e2e
        password: "{{ password_hash }}"
      register: r_user
    - name: a package, from a freshly updated cache
      apt: {name: hello, update_cache: true, cache_valid_time: 3600, install_recommends: false}
      register: r_apt
    - name: the service's configuration
      template: {src: e2e.conf.j2, dest: /etc/default/e2e, mode: "0644"}
      register: r_conf
    - name: the unit file
      template: {src: e2e.service.j2, dest: /etc/systemd/system/e2e.service}
      register: r_unit
    - name: the service, started and enabled
      systemd: {name: e2e, state: started, enabled: true, daemon_reload: true}
      register: r_systemd
    - name: the results, for the differential comparison
      copy:
        content: "{{ {'group': r_group, 'user': r_user, 'apt': r_apt, 'conf': r_conf, 'unit': r_unit, 'systemd': r_systemd} | to_json }}"
        dest: /root/results.json
      when: dump is defined
EOF
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
  on_bare 'dpkg-query -W -f="\${db:Status-Status}" hello 2>/dev/null; echo
    getent passwd e2e | cut -d: -f7; id -nG e2e | tr " " "\n" | sort | tr "\n" " "; echo
    getent group e2eops | cut -d: -f3
    systemctl is-active e2e; systemctl is-enabled e2e
    cat /etc/default/e2e; cat /home/e2e/hello.out 2>/dev/null; stat -c %U /home/e2e/hello.out 2>/dev/null
    getent shadow e2e | cut -d: -f2'
}
WANT_STATE="installed
/bin/sh
audio e2e e2eops 
3100
active
enabled
# managed by drover e2e
GREETING=\"hi from drover\"
hi from drover
e2e
$HASH"

# --- run 1: everything changes
play drover bare -e dump=1 -v
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every task changed ($(recap bare))" changed_is bare 7
check "the password hash is not in drover's output" bash -c "! grep -qF -- '$HASH' '$S/out'"
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

# --- the host drifts; --check reports it and changes nothing
on_bare 'set -e; systemctl stop e2e; dpkg -r hello >/dev/null 2>&1; usermod -s /bin/bash e2e
  gpasswd -d e2e audio >/dev/null; echo drifted >/etc/default/e2e; systemctl disable e2e 2>/dev/null
  rm /home/e2e/hello.out' ||
  check "drifting the host by hand" false
drifted=$(state_of_bare || true)
play drover bare --check
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
check "drover --check: user, apt, conf and systemd would change ($(recap bare))" changed_is bare 4
check "drover --check changed nothing on the host" test "$(state_of_bare || true)" = "$drifted"

# --- run 3 restores the described state
play drover bare
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap bare))" changed_is bare 4
sleep 0.5 # the service writes its output as it starts
got=$(state_of_bare || true)
check "host state after run 3" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true

# --- no Python was needed, none was installed
set +e
on_bare 'command -v python3'
status=$?
set -e
check "python3 still absent ('command -v python3' exited $status)" test "$status" -eq 1
got=$(on_bare "dpkg-query -W -f '\${db:Status-Abbrev}\${Package}\n' 'python3*' 2>/dev/null | grep -c '^ii' || true")
check "no python3 package installed ($got)" test "$got" -eq 0

# --- apt's locks held by another process: apt waits for them (lock_timeout)
# instead of failing. perl-base (in every Debian) takes the fcntl locks apt
# and dpkg take: the package lists' for 3 s (apt-get update), dpkg's for 6 s.
cat >"$P/lock.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - apt: {name: hello, state: absent, update_cache: true, lock_timeout: 30}
EOF
# shellcheck disable=SC2016 # perl's variables
on_bare 'nohup perl -e '"'"'use Fcntl; my $l = pack("ssx4qqix4", F_WRLCK, 0, 0, 0, 0);
  open(my $d, ">>", "/var/lib/dpkg/lock-frontend") or die; fcntl($d, F_SETLKW, $l) or die;
  open(my $a, ">>", "/var/lib/apt/lists/lock") or die; fcntl($a, F_SETLKW, $l) or die;
  open(my $r, ">", "/tmp/locked"); close $r; sleep 3; close $a; sleep 3'"'"' >/dev/null 2>&1 &
  for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /tmp/locked ] && exit 0; sleep 0.2; done; exit 1' ||
  check "holding apt's locks on the host" false
start=$SECONDS
set +e
(cd "$P" && "$DROVER" playbook -i hosts -l bare lock.yml) >"$S/out" 2>&1
rc=$?
set -e
[[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
check "apt waited for the locks, updated and removed hello (rc=$rc)" test "$rc" -eq 0
check "apt waited for both locks ($((SECONDS - start)) s)" test $((SECONDS - start)) -ge 5
check "hello removed" test "$(on_bare 'dpkg -s hello >/dev/null 2>&1; echo $?')" = 1

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
# Not deterministic across two hosts and runs, or not a module result.
skip = {"invocation", "ansible_facts", "failed", "stdout", "stdout_lines", "cache_update_time",
        "src", "diff"}
# systemctl show properties whose values do not depend on time or PIDs.
status_keys = ["ActiveState", "SubState", "LoadState", "UnitFileState", "Description",
               "FragmentPath", "User", "Type", "Restart", "UnitFilePreset", "CanStart"]
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
        elif k == "status":
            if set(v) != set(dr[k]):
                report(f"{task}.status keys differ: {sorted(set(v) ^ set(dr[k]))}")
            for sk in status_keys:
                if v.get(sk) != dr[k].get(sk):
                    report(f"{task}.status.{sk}: ansible {v.get(sk)!r} drover {dr[k].get(sk)!r}")
            if not dr[k].get("MainPID", "0").isdigit():
                report(f"{task}.status.MainPID: {dr[k].get('MainPID')!r}")
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
