#!/usr/bin/env bash
# e2e: django_manage, deploy_helper, archive and snap on real Debian hosts
# (Django from Debian's python3-django in a venv that sees the system's
# packages; the host's tar, gzip, bzip2, xz, zip and unzip):
#   run 1 changes every task of tests/data/appstack/modules.yml (migrate
#   applies the project's one migration, collectstatic copies its file, the
#   deployment's directories and its current link, five archives); run 2
#   changes nothing; after the host drifts (a release's link, an archived
#   file, a compressed file removed), --check reports the drift and changes
#   nothing; run 3 restores. Host state is read with sqlite3 through the
#   venv's python, readlink, ls and the archives' own listings (tar -tv,
#   unzip -l). extras.yml runs the other commands and states once
#   (loaddata, a custom command, createcachetable, test, failures;
#   deploy_helper finalize/clean/query/absent; archive failures and remove;
#   snap where snapd cannot run: the message names the host and why).
# Differential: ansible-playbook runs the same playbooks on a twin host; the
# recaps and the registered results match key by key (archive sizes and
# deploy_helper's time-named release aside).
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never
# skips) without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$PWD/tests/data/appstack
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

hosts_start dr py
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P/files"
cp "$data/modules.yml" "$data/extras.yml" "$P/"
cp -r "$data/django" "$P/files/"
cp "$HOSTS_INVENTORY" "$P/hosts"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False

# The hosts' packages and the archive's sources, once per host in parallel.
# shellcheck disable=SC2016 # expanded on the host
prepare='set -e; export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends python3-django python3-venv zip unzip bzip2 xz-utils >/tmp/apt.log 2>&1 || { tail /tmp/apt.log; exit 1; }
  python3 -m venv --system-site-packages /srv/djvenv
  mkdir -p /srv/arc/data/sub /srv/arc/gone
  echo alpha >/srv/arc/data/a.txt; echo beta >/srv/arc/data/b.txt; echo log >/srv/arc/data/skip.log
  echo gamma >/srv/arc/data/sub/c.txt; echo single >/srv/arc/single.txt; echo bye >/srv/arc/gone/x.txt
  touch -d "2026-01-02 03:04:05" /srv/arc/data/*.* /srv/arc/data/sub/c.txt /srv/arc/single.txt'
start=$SECONDS
hosts_ssh dr "$prepare" >"$S/prepare-dr.log" 2>&1 &
hosts_ssh py "$prepare" >"$S/prepare-py.log" 2>&1 &
for _ in dr py; do wait -n || check "installing python3-django, zip ($(cat "$S"/prepare-*.log))" false; done
echo "packages installed in $((SECONDS - start)) s" >&2

# play TOOL LIMIT PLAYBOOK ARGS... : sets rc, output in $S/out.
play() {
  local tool=$1 limit=$2 book=$3
  shift 3
  set +e
  if [[ $tool == drover ]]; then
    (cd "$P" && "$DROVER" playbook -i hosts -l "$limit" "$book" "$@") >"$S/out" 2>&1
  else
    (cd "$P" && ansible-playbook -i hosts -l "$limit" "$book" "$@") >"$S/out" 2>&1
  fi
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
}
recap() { grep -E "^$1 +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }
changed_is() { grep -qE "^$1 +: ok=[0-9]+ +changed=$2 " "$S/out"; }
on_dr() { hosts_ssh dr "$@"; }
# shellcheck disable=SC2016 # expanded on the host
# (stderr joins stdout on the host: the two streams' order over SSH varies)
state_of_dr() {
  on_dr 'exec 2>&1; cd /srv/dj && /srv/djvenv/bin/python -c "import sqlite3; print(sqlite3.connect(\"db.sqlite3\").execute(\"select app, name from django_migrations where app = '"'notes'"'\").fetchall())"
    ls static/notes
    readlink /srv/deploy/current; echo $(ls /srv/deploy); ls /srv/deploy/releases; cat /srv/deploy/current/VERSION
    cd /srv/arc; tar -tzf data.tar.gz | sort; bzip2 -dc single.txt.bz2 2>&1; unzip -Z1 texts.zip | sort; stat -c %a texts.zip
    tar -tJf some.tar.xz | sort; tar -tf sub.tar | sort'
}
WANT_STATE="[('notes', '0001_initial')]
site.css
/srv/deploy/releases/r1
current releases shared
r1
release r1
data/a.txt
data/b.txt
data/sub/
data/sub/c.txt
single
a.txt
b.txt
600
data/a.txt
data/sub/c.txt
sub/c.txt"

# --- run 1: everything changes
play drover dr modules.yml -e dump=1
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every task changed ($(recap dr))" changed_is dr 14
drover_recap1=$(recap dr)
got=$(state_of_dr 2>&1 || true)
check "host state after run 1" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
on_dr cat /root/results.json >"$S/drover.json" || true

# --- run 2: nothing changes
play drover dr modules.yml
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
same_without_batching play drover dr modules.yml
check "drover run 2: nothing changed ($(recap dr))" changed_is dr 0
drover_recap2=$(recap dr)

# --- the host drifts; --check reports it and changes nothing
on_dr 'set -e; ln -sfn /srv/deploy/shared /srv/deploy/current
  echo "alpha, changed" >/srv/arc/data/a.txt; rm /srv/arc/single.txt.bz2; chmod 644 /srv/arc/texts.zip' ||
  check "drifting the host by hand" false
drifted=$(state_of_dr 2>&1 || true)
play drover dr modules.yml --check
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
# finalize (the link), the tree, single, zip, xz and tar (a must-archive
# task always reports a change in check mode, as Ansible's); the three
# django_manage tasks are skipped (the module has no check mode)
check "drover --check: the drifted tasks would change ($(recap dr))" changed_is dr 6
check "drover --check: django_manage skipped" grep -qE "^dr +: .*skipped=4 " "$S/out"
got=$(state_of_dr 2>&1 || true)
check "drover --check changed nothing on the host" test "$got" = "$drifted"
[[ $got == "$drifted" ]] || diff <(echo "$drifted") <(echo "$got") >&2 || true

# --- run 3 restores: finalize, the tree and the zip and xz (a.txt), single
play drover dr modules.yml
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap dr))" changed_is dr 5
check "host state after run 3" test "$(state_of_dr 2>&1 || true)" = "$WANT_STATE"
check "run 3 archived the new a.txt" on_dr 'tar -xzOf /srv/arc/data.tar.gz data/a.txt | grep -qx "alpha, changed"'
on_dr 'echo alpha >/srv/arc/data/a.txt; touch -d "2026-01-02 03:04:05" /srv/arc/data/a.txt' || true

# --- the other commands, states and failures
play drover dr extras.yml
check "drover extras succeed (rc=$rc)" test "$rc" -eq 0
on_dr cat /root/extras.json >"$S/drover-extras.json" || true
check "the removed sources are gone, their archive has them" \
  on_dr '! test -e /srv/arc/gone && tar -tzf /srv/arc/gone.tar.gz | grep -qx gone/x.txt'
check "snap's failure names the host and the reason" \
  grep -qE "snapd is not installed on dr|snapd is not running on dr" "$S/out"

# --- differential: ansible-playbook on the twin host
play ansible py modules.yml -e dump=1
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible_recap1=$(recap py)
check "run 1 recap: drover '$drover_recap1', ansible '$ansible_recap1'" \
  test "$drover_recap1" = "$ansible_recap1"
hosts_ssh py cat /root/results.json >"$S/ansible.json" || true
play ansible py modules.yml
ansible_recap2=$(recap py)
check "run 2 recap: drover '$drover_recap2', ansible '$ansible_recap2'" \
  test "$drover_recap2" = "$ansible_recap2"
hosts_ssh py 'echo alpha >/srv/arc/data/a.txt; touch -d "2026-01-02 03:04:05" /srv/arc/data/a.txt' || true
play ansible py extras.yml
check "ansible-playbook extras succeed (rc=$rc)" test "$rc" -eq 0
hosts_ssh py cat /root/extras.json >"$S/ansible-extras.json" || true
compare_results() { # ansible.json drover.json
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, re, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"invocation", "stdout_lines", "stderr_lines", "exception", "deprecations", "warnings",
        "syspath", "start", "end", "delta"}
# archive: sizes of archives made by other tools; lists in the file
# system's order (Ansible) or sorted (drover). snap: drover's message is
# its own (Ansible's module lacks the executable). Failures: Python's
# traceback text.
def norm(task, k, v):
    if isinstance(v, list) and task.startswith("arc_"):
        return sorted(v)
    if task == "deploy_query" and k == "ansible_facts":
        f = dict(v["deploy_helper"])
        ok = re.fullmatch(r"\d{14}", f.get("new_release") or "")
        f["new_release"] = "TIME" if ok else f.get("new_release")
        f["new_release_path"] = re.sub(r"\d{14}$", "TIME", f.get("new_release_path") or "")
        return f
    if task == "test" and k == "out":
        return re.sub(r"[0-9.]+s", "Ns", v)
    return v
for r in a.values():  # Ansible's interpreter discovery
    if isinstance(r, dict) and isinstance(r.get("ansible_facts"), dict):
        r["ansible_facts"].pop("discovered_interpreter_python", None)
        if not r["ansible_facts"]:
            del r["ansible_facts"]
bad = 0
for task, ar in a.items():
    dr = d.get(task, {})
    if not isinstance(ar, dict):
        if ar != dr:
            print(f"{task}: ansible {ar!r} drover {dr!r}", file=sys.stderr); bad += 1
        continue
    for k, v in ar.items():
        if k in skip or (task.startswith("arc_") and k == "size") or (task == "snap" and k in ("msg", "rc", "stdout", "stderr", "cmd_args", "force_lang", "classic", "channel", "changed")):
            continue
        if k not in dr:
            print(f"{task}.{k}: missing in drover (ansible {v!r})", file=sys.stderr); bad += 1
        elif norm(task, k, dr[k]) != norm(task, k, v):
            print(f"{task}.{k}: ansible {v!r} drover {dr[k]!r}", file=sys.stderr); bad += 1
    for k in dr:
        if k not in ar and k not in skip and task != "snap":
            print(f"{task}.{k}: only in drover ({dr[k]!r})", file=sys.stderr); bad += 1
print(f"compared {sum(len(r) if isinstance(r, dict) else 1 for r in a.values())} keys", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "modules.yml: registered results match ansible-playbook's key by key" \
  compare_results "$S/ansible.json" "$S/drover.json"
check "extras.yml: registered results match ansible-playbook's key by key" \
  compare_results "$S/ansible-extras.json" "$S/drover-extras.json"

hosts_stop || check "hosts_stop reported leftovers" false
echo "$passed passed, $failed failed"
((failed == 0))
