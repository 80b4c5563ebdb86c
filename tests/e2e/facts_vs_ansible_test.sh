#!/usr/bin/env bash
# e2e differential: the facts of `drover adhoc -m setup` (one sh script, no
# Python used) against `ansible -m setup` (2.14) on the same booted Debian
# host (with python3, for Ansible; netns, so it has an eth0 of its own),
# key by key and value by value; then gather_subset variants (key sets),
# local facts from facts.d and a fact_path (JSON, INI, executable, broken),
# setup's filter, a bad subset's message, and a play whose gather_subset /
# gather_timeout / `when:` on the facts must run the same tasks.
# Values left out of the comparison, and why (each is printed when it
# differs, never silently):
#   ansible_python, ansible_python_version, discovered_interpreter_python:
#     drover runs no Python on the host, so it reports no Python;
#   date_time, uptime_seconds, loadavg, memfree_mb, memory_mb's free/used,
#     mounts' free block/inode counts: they change between the two runs
#     (compared by keys, totals by value);
#   env: compared for the variables of the login itself; the SSH_* of each
#     connection, and the TERM/SSH_TTY/LANG/_ Ansible's pty and module
#     wrapper add, differ by transport;
#   interfaces, virtualization_tech_guest/host: Ansible builds them from
#     Python sets (their order varies from run to run): compared as sets;
#   mounts: Ansible lists them in the order its threads finish: compared
#     sorted by mount point;
#   distribution_version: Debian's python3-distro 1.8 gives "12" where the
#     host's /etc/debian_version says "12.N"; drover gives "12.N" (the
#     minor version Ansible itself reports in distribution_minor_version).
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

start=$SECONDS
hosts_start py:netns
W=$HOSTS_STATE/.client/work
mkdir -p "$W"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False

# Local facts: the default facts.d and a fact_path of our own.
hosts_ssh py 'mkdir -p /etc/ansible/facts.d /opt/facts
cat >/etc/ansible/facts.d/app.fact <<X
{"version": "1.2", "ports": [80, 443], "tls": true, "owner": null}
X
cat >/etc/ansible/facts.d/db.fact <<X
[main]
Name = primary
port: 5432

[replica]
host = db2
X
cat >/etc/ansible/facts.d/run.fact <<X
#!/bin/sh
echo "{\"pid_ns\": \"\$(id -un)\", \"n\": 3}"
X
chmod +x /etc/ansible/facts.d/run.fact
printf "#!/bin/sh\nexit 3\n" >/etc/ansible/facts.d/fails.fact
chmod +x /etc/ansible/facts.d/fails.fact
echo "neither json nor ini" >/etc/ansible/facts.d/bad.fact
echo "not a fact" >/etc/ansible/facts.d/ignored.txt
echo "{\"here\": 1}" >/opt/facts/own.fact'

setup() { # tool out args...: ansible or drover ad-hoc setup on py
  local tool=$1 out=$2
  shift 2
  if [[ $tool == ansible ]]; then
    ansible py -i "$HOSTS_INVENTORY" -m setup "$@" >"$out" 2>"$out.err" || true
  else
    "$DROVER" adhoc py -i "$HOSTS_INVENTORY" -m setup "$@" >"$out" 2>"$out.err" || true
  fi
}

t0=$SECONDS
setup ansible "$W/a_all"
t_ansible=$((SECONDS - t0))
t0=$(date +%s%N)
DROVER_STATS=1 setup drover "$W/d_all"
t_drover=$((($(date +%s%N) - t0) / 1000000))
grep -h 'drover stats' "$W/d_all.err" || true
echo "setup on the host: ansible ${t_ansible}s, drover ${t_drover}ms (adhoc, login included)"
check "drover's setup takes one round trip" grep -q ' 1 round trips' "$W/d_all.err"

check "every fact ansible gathers, drover gathers with the same value" \
  python3 - "$W/a_all" "$W/d_all" <<'PY'
import json, sys
def facts(path):
    text = open(path).read()
    return json.loads(text[text.index("{"):])["ansible_facts"]
a, d = facts(sys.argv[1]), facts(sys.argv[2])
no_python = {"ansible_python", "ansible_python_version", "discovered_interpreter_python"}
bad = []
missing = sorted(set(a) - set(d) - no_python)
extra = sorted(set(d) - set(a))
if missing: bad.append(f"drover lacks {missing}")
if extra: bad.append(f"drover adds {extra}")
volatile_mount = {"block_available", "block_used", "size_available", "inode_available", "inode_used"}
transport_env = {"SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "TERM", "LANG", "_"}
compared = 0
for k in sorted(set(a) & set(d)):
    x, y = a[k], d[k]
    if k in ("ansible_date_time", "ansible_loadavg"):
        x, y = sorted(x), sorted(y)
    elif k == "ansible_uptime_seconds":
        x, y = True, abs(x - y) < 120
    elif k == "ansible_memfree_mb":
        x, y = type(x), type(y)
    elif k == "ansible_memory_mb":
        x = {g: (sorted(v), v.get("total")) for g, v in x.items()}
        y = {g: (sorted(v), v.get("total")) for g, v in y.items()}
    elif k == "ansible_env":
        x = {e: v for e, v in x.items() if e not in transport_env}
        y = {e: v for e, v in y.items() if e not in transport_env}
    elif k in ("ansible_interfaces", "ansible_virtualization_tech_guest",
               "ansible_virtualization_tech_host"):
        x, y = sorted(x), sorted(y)
    elif k == "ansible_mounts":
        strip = lambda ms: sorted(({f: v for f, v in m.items() if f not in volatile_mount}
                                   for m in ms), key=lambda m: m["mount"])
        if [sorted(m) for m in sorted(x, key=lambda m: m["mount"])] != \
           [sorted(m) for m in sorted(y, key=lambda m: m["mount"])]:
            bad.append("mount keys differ")
        x, y = strip(x), strip(y)
    elif k == "ansible_distribution_version" and isinstance(y, str) and y.startswith(x + "."):
        y = x
    compared += 1 + (len(x) if isinstance(x, (dict, list)) else 0)
    if x != y:
        bad.append(f"{k}: ansible {json.dumps(x, sort_keys=True)[:400]}\n   drover {json.dumps(y, sort_keys=True)[:400]}")
print(f"compared {len(set(a) & set(d))} facts ({compared} keys), {len(bad)} differ", file=sys.stderr)
for b in bad: print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# The facts the brief names, present and typed as Ansible's.
check "local facts: JSON, INI, executable, failing and broken files" \
  python3 - "$W/d_all" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
f = json.loads(text[text.index("{"):])["ansible_facts"]
local = f["ansible_local"]
assert sorted(local) == ["app", "bad", "db", "fails", "run"], sorted(local)
assert local["app"] == {"version": "1.2", "ports": [80, 443], "tls": True, "owner": None}
assert local["db"] == {"main": {"name": "primary", "port": "5432"}, "replica": {"host": "db2"}}
assert local["run"] == {"pid_ns": "root", "n": 3}
for k in ("ansible_virtualization_type", "ansible_virtualization_role", "ansible_mounts",
          "ansible_devices", "ansible_eth0", "ansible_default_ipv4", "ansible_dns",
          "ansible_selinux", "ansible_apparmor", "ansible_pkg_mgr", "ansible_service_mgr",
          "ansible_user_id", "ansible_user_dir"):
    assert k in f, k
assert f["ansible_eth0"]["ipv4"]["address"] == f["ansible_default_ipv4"]["address"]
assert len(f["ansible_date_time"]) == 20
PY

# gather_subset, fact_path and filter: the same keys; the same error.
keys() { # file: the sorted fact names, or the failure message
  python3 -c '
import json, sys
text = open(sys.argv[1]).read()
r = json.loads(text[text.index("{"):])
f = r.get("ansible_facts", {})
for k in ("ansible_python", "ansible_python_version", "discovered_interpreter_python"):
    f.pop(k, None)
print(" ".join(sorted(f)), r.get("msg", ""))' "$1"
}
n=0
for args in 'gather_subset=min' 'gather_subset=!all' 'gather_subset=!all,!min' \
  'gather_subset=!all,!min,network' 'gather_subset=!all,!min,hardware' \
  'gather_subset=!all,!min,virtual' 'gather_subset=hardware' 'gather_subset=!hardware,!network' \
  'gather_subset=!all,!min,devices,dns' 'gather_subset=network,!platform gather_timeout=5' \
  'gather_subset=!all,!min,local fact_path=/opt/facts' 'filter=ansible_eth*,ansible_dns' \
  'gather_subset=bogus'; do
  n=$((n + 1))
  setup ansible "$W/a_$n" -a "$args"
  setup drover "$W/d_$n" -a "$args"
  a=$(keys "$W/a_$n") d=$(keys "$W/d_$n")
  check "setup $args: same facts" [ "$a" = "$d" ]
  [[ $a == "$d" ]] || diff <(tr ' ' '\n' <<<"$a") <(tr ' ' '\n' <<<"$d") >&2 || true
done
check "fact_path: the path's facts" grep -q '"here": 1' "$W/d_11"

# A play: gather_subset, gather_timeout and `when:` on virtualization facts
# (a `when:` on a fact that was not gathered fails in both).
cat >"$W/play.yml" <<'YAML'
- hosts: py
  gather_subset: ['!all', '!min', 'virtual']
  gather_timeout: 5
  tasks:
    - debug: msg="{{ ansible_virtualization_type }}/{{ ansible_virtualization_role }}"
    - debug: msg="in a container"
      when: ansible_virtualization_type == 'container'
    - debug: msg="on bare metal"
      when: ansible_virtualization_type == 'NA'
    - debug: msg="{{ ansible_facts.keys() | list | sort }}"
- hosts: py
  gather_subset: [network, hardware]
  tasks:
    - debug: msg="{{ ansible_interfaces | sort }} {{ ansible_eth0.ipv4.address == ansible_default_ipv4.address }}"
    - debug: msg="{{ ansible_local.app.ports }} {{ ansible_local.db.main.name }} {{ ansible_dns is mapping }}"
    - debug: msg="{{ ansible_mounts | map(attribute='mount') | select('equalto', '/') | list }}"
YAML
play() { # tool out
  local out=$2
  if [[ $1 == ansible ]]; then
    ansible-playbook -i "$HOSTS_INVENTORY" "$W/play.yml" >"$out" 2>&1 || true
  else
    "$DROVER" playbook -i "$HOSTS_INVENTORY" "$W/play.yml" >"$out" 2>&1 || true
  fi
  grep -E '^(ok|skipping|changed|fatal|py ) ?|"msg"' "$out" | sed 's/  */ /g' >"$out.lines"
}
play ansible "$W/a_play"
play drover "$W/d_play"
check "the play runs the same tasks with the same facts" diff "$W/a_play.lines" "$W/d_play.lines"
check "the play skips the bare-metal task" grep -q 'skipping: \[py\]' "$W/d_play.lines"

echo "$passed passed, $failed failed ($((SECONDS - start))s)"
((failed == 0))
