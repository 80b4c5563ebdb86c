#!/usr/bin/env bash
# e2e: the application-stack modules (supervisorctl, npm, pip, htpasswd) on
# real Debian hosts with the host's own nodejs/npm, supervisor, python3-venv
# and openssl (installed once per host):
#   run 1 changes every task (a templated program config in
#   /etc/supervisor/conf.d, its program added and started, a restart through
#   a handler; a group `name:`; npm packages in a project, `ci: true` from a
#   lockfile made at test time; the npm registry comes from the host's npm
#   configuration; venvs from wheels the test builds; an htpasswd user);
#   run 2 changes only `npm ci` (Ansible's npm always runs
#   it); after the host drifts, --check reports the drift and changes
#   nothing; run 3 restores it. Host state is checked with `supervisorctl
#   status`, `ps` and `npm ls`. supervisord requires a password: it never
#   appears on a host command line (a `ps` sampler and a supervisorctl
#   wrapper record every command line during the runs) nor in the output.
# Differential: ansible-playbook runs the same playbooks on a twin host; the
# recaps and the registered results match key by key, including
# signalled/stopped/absent and the failure for an unknown process.
# Needs root, debootstrap, systemd-nspawn, overlayfs and the npm registry
# reachable from the hosts; fails (never skips) without them.
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

hosts_start dr py
# ssh_stdin NAME COMMAND: hosts_ssh with the test's stdin forwarded.
ssh_stdin() {
  ssh -i "$HOSTS_KEY" -o BatchMode=yes -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null \
    -o UserKnownHostsFile="$HOSTS_KNOWN_HOSTS" "root@${HOSTS_ADDRESS[$1]}" "$2"
}
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P/templates" "$P/files"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False
SV_PASSWORD="sv-pw-$RANDOM$RANDOM-not-on-argv"

# The hosts' packages, once per host, in parallel; supervisord requires a
# user and password on its socket, which its own [supervisorctl] section
# does not carry (so every task must send it). /root/sv.conf lets the test
# itself query supervisord; /usr/local/bin/supervisorctl-logged records
# every command line it is run with.
# shellcheck disable=SC2016 # expanded on the host
prepare='set -e; export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends nodejs npm supervisor python3-venv >/tmp/apt.log 2>&1 || { tail /tmp/apt.log; exit 1; }
  sed -i "/^\[unix_http_server\]/a username=e2eadmin\npassword=PASSWORD" /etc/supervisor/supervisord.conf
  printf "[supervisorctl]\nserverurl=unix:///var/run/supervisor.sock\nusername=e2eadmin\npassword=PASSWORD\n" >/root/sv.conf
  chmod 600 /root/sv.conf
  systemctl restart supervisor
  printf "#!/bin/sh\nprintf \"%%s\\\\n\" \"\$*\" >>/root/sv-argv.log\nexec /usr/bin/supervisorctl \"\$@\"\n" >/usr/local/bin/supervisorctl-logged
  chmod 755 /usr/local/bin/supervisorctl-logged
  for i in $(seq 100); do supervisorctl -c /root/sv.conf pid 2>/dev/null | grep -qx "[0-9][0-9]*" && break; sleep 0.2; done'
prepare=${prepare//PASSWORD/$SV_PASSWORD}
# Ansible's pip module needs pkg_resources on the host; drover does not.
prepare_py="$prepare
  apt-get install -y -q --no-install-recommends python3-pkg-resources python3-passlib >/tmp/apt.log 2>&1"
start=$SECONDS
hosts_ssh dr "$prepare" >"$S/prepare-dr.log" 2>&1 &
hosts_ssh py "$prepare_py" >"$S/prepare-py.log" 2>&1 &
for h in dr py; do wait -n || check "installing nodejs, npm, supervisor ($(cat "$S"/prepare-*.log))" false; done
echo "packages installed in $((SECONDS - start)) s" >&2

# Tiny wheels for pip (the Python package index is not reachable): alpha
# 1.0 and 2.0, beta 1.0 (needs alpha), and the hosts' pip told to look
# only there (/etc/pip.conf: no index, find-links).
mkdir -p "$S/wheels"
/usr/bin/python3 - "$S/wheels" <<'PY'
import base64, hashlib, sys, zipfile
def wheel(name, version, requires=()):
    mod = name.replace("-", "_")
    files = {f"{mod}/__init__.py": f'VERSION = "{version}"\n',
             f"{mod}-{version}.dist-info/METADATA":
                 f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" +
                 "".join(f"Requires-Dist: {r}\n" for r in requires),
             f"{mod}-{version}.dist-info/WHEEL":
                 "Wheel-Version: 1.0\nGenerator: drover-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = f"{mod}-{version}.dist-info/RECORD"
    with zipfile.ZipFile(f"{sys.argv[1]}/{mod}-{version}-py3-none-any.whl", "w") as z:
        lines = []
        for path, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{path},sha256={digest},{len(data)}")
            z.writestr(path, data)
        z.writestr(record, "\n".join(lines + [f"{record},,"]) + "\n")
wheel("drover-e2e-alpha", "1.0")
wheel("drover-e2e-alpha", "2.0")
wheel("drover-e2e-beta", "1.0", ["drover-e2e-alpha"])
PY
for h in dr py; do
  tar -C "$S" -cf - wheels | ssh_stdin "$h" 'mkdir -p /srv && tar -C /srv -xf - &&
    printf "[global]\nno-index = true\nfind-links = /srv/wheels\n" >/etc/pip.conf' ||
    check "$h: copying the wheels" false
done

# The ci project's lockfile, made now by npm itself (the repository holds
# no registry host name).
cat >"$P/files/package.json" <<'EOF'
{"name": "e2e-ci", "version": "1.0.0", "private": true, "dependencies": {"ms": "2.1.3"}}
EOF
ssh_stdin dr 'mkdir -p /tmp/lock && cat >/tmp/lock/package.json' <"$P/files/package.json"
hosts_ssh dr 'cd /tmp/lock && npm install --package-lock-only --no-audit --no-fund >/dev/null 2>&1 && cat package-lock.json' \
  >"$P/files/package-lock.json" || check "making the ci project's lockfile with npm" false

cat >"$P/vars.yml" <<EOF
sv_password: "$SV_PASSWORD"
sleep_seconds: 4242
EOF
cat >"$P/templates/e2eapp.conf.j2" <<'EOF'
; managed by {{ 'drover e2e' }}
[program:e2eapp]
command=/bin/sleep {{ sleep_seconds }}
autostart=false
autorestart=true
EOF
cat >"$P/files/e2egrp.conf" <<'EOF'
[program:e2eg1]
command=/bin/sh -c 'trap "" USR1; exec /bin/sleep 4343'
autostart=false
[program:e2eg2]
command=/bin/sleep 4444
autostart=false
[group:e2egrp]
programs=e2eg1,e2eg2
EOF
cat >"$P/site.yml" <<'EOF'
- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  vars:
    sv: &sv {username: e2eadmin, password: "{{ sv_password }}", supervisorctl_path: /usr/local/bin/supervisorctl-logged}
  tasks:
    - name: the program's templated config
      template: {src: e2eapp.conf.j2, dest: /etc/supervisor/conf.d/e2eapp.conf}
      notify: restart e2eapp
    - name: a group's config
      copy: {src: e2egrp.conf, dest: /etc/supervisor/conf.d/e2egrp.conf}
    - name: the program is known to supervisord
      supervisorctl: {name: e2eapp, state: present, <<: *sv}
      register: r_sv_present
    - name: the program runs
      supervisorctl: {name: e2eapp, state: started, <<: *sv}
      register: r_sv_started
    - name: the group is known
      supervisorctl: {name: "e2egrp:", state: present, <<: *sv}
      register: r_sv_grp_present
    - name: the group runs
      supervisorctl: {name: "e2egrp:", state: started, <<: *sv}
      register: r_sv_grp_started
    - name: a package at a version in a project
      npm: {path: /srv/e2enpm, name: ms, version: 2.1.2}
      register: r_npm_version
    - name: the newest version of a package
      npm: {path: /srv/e2elatest, name: ms, state: latest}
      register: r_npm_latest
    - name: a package that must not be there
      npm: {path: /srv/e2elatest, name: left-pad, state: absent}
      register: r_npm_absent
    - name: the ci project's files
      copy: {src: "{{ item }}", dest: /srv/e2eci/}
      loop: [package.json, package-lock.json]
    - name: the ci project, from its lockfile
      npm: {path: /srv/e2eci, ci: true, production: true}
      register: r_npm_ci
    - name: a venv with a pinned package (python3 -m venv)
      pip: {name: drover-e2e-alpha==1.0, virtualenv: /srv/venv, virtualenv_command: /usr/bin/python3 -m venv}
      register: r_pip_pinned
    - name: the requirements file
      copy: {content: "drover-e2e-beta\n", dest: /srv/requirements.txt}
    - name: packages from a requirements file
      pip: {requirements: /srv/requirements.txt, virtualenv: /srv/venv}
      register: r_pip_req
    - name: a venv that sees the system's packages, with the newest alpha
      pip:
        name: [drover-e2e-alpha]
        state: latest
        virtualenv: /srv/venv-site
        virtualenv_command: /usr/bin/python3 -m venv
        virtualenv_site_packages: true
      register: r_pip_latest
    - name: a Python package that must not be there
      pip: {name: drover-e2e-beta, state: absent, virtualenv: /srv/venv-site}
      register: r_pip_absent
    - name: a web user's password
      htpasswd: {path: /etc/e2e/htpasswd, name: alice, password: "{{ sv_password }}", mode: "0640"}
      register: r_htpasswd
    - name: the results, for the differential comparison
      copy:
        content: "{{ {'htpasswd': r_htpasswd, 'pip_pinned': r_pip_pinned, 'pip_req': r_pip_req, 'pip_latest': r_pip_latest,
                      'pip_absent': r_pip_absent, 'sv_present': r_sv_present, 'sv_started': r_sv_started, 'sv_grp_present': r_sv_grp_present,
                      'sv_grp_started': r_sv_grp_started, 'npm_version': r_npm_version,
                      'npm_latest': r_npm_latest, 'npm_absent': r_npm_absent, 'npm_ci': r_npm_ci} | to_json }}"
        dest: /root/results.json
      when: dump is defined
  handlers:
    - name: restart e2eapp
      supervisorctl: {name: e2eapp, state: restarted, <<: *sv}
      register: r_sv_restarted
EOF
cat >"$P/extras.yml" <<'EOF'
- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  vars:
    sv: &sv {username: e2eadmin, password: "{{ sv_password }}"}
  tasks:
    - name: a signal to one program of the group
      supervisorctl: {name: "e2egrp:e2eg1", state: signalled, signal: USR1, <<: *sv}
      register: r_signalled
    - name: the group stopped
      supervisorctl: {name: "e2egrp:", state: stopped, <<: *sv}
      register: r_stopped
    - name: the group stopped, again
      supervisorctl: {name: "e2egrp:", state: stopped, <<: *sv}
      register: r_stopped_again
    - name: the group removed
      supervisorctl: {name: "e2egrp:", state: absent, <<: *sv}
      register: r_absent
    - name: an unknown program
      supervisorctl: {name: nosuchprogram, state: started, <<: *sv}
      register: r_unknown
      ignore_errors: true
    - name: every program restarted
      supervisorctl: {name: all, state: restarted, config: /etc/supervisor/supervisord.conf, <<: *sv}
      register: r_all
    - name: a wrong password
      supervisorctl: {name: e2eapp, state: stopped, username: e2eadmin, password: wrong}
      register: r_wrong
      ignore_errors: true
    - name: an npm command that fails
      npm: {path: /srv/e2enpm, name: drover-e2e-no-such-package-x9}
      register: r_npm_fail
      ignore_errors: true
    - copy:
        content: "{{ {'signalled': r_signalled, 'stopped': r_stopped, 'stopped_again': r_stopped_again,
                      'absent': r_absent, 'unknown': r_unknown, 'all': r_all,
                      'wrong': r_wrong, 'npm_fail': r_npm_fail} | to_json }}"
        dest: /root/extras.json
EOF
cp "$HOSTS_INVENTORY" "$P/hosts"

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
# The ps sampler: every command line on the host while a run goes on.
sampler_start() {
  on_dr 'rm -f /root/ps.log; nohup sh -c "while [ ! -e /root/ps.stop ]; do ps -eo args >>/root/ps.log; sleep 0.05; done; rm /root/ps.stop" >/dev/null 2>&1 &'
}
sampler_stop() { on_dr 'touch /root/ps.stop; while [ -e /root/ps.stop ]; do sleep 0.1; done'; }
password_unseen() {
  on_dr "! grep -qF -- '$SV_PASSWORD' /root/ps.log && ! grep -qF -- '$SV_PASSWORD' /root/sv-argv.log" &&
    ! grep -qF -- "$SV_PASSWORD" "$S/out"
}
# shellcheck disable=SC2016 # expanded on the host
state_of_dr() {
  on_dr 'supervisorctl -c /root/sv.conf status | awk "{ print \$1, \$2 }"
    ps -eo args | grep -E "^/bin/sleep 4[0-9]{3}$" | sort
    for d in /srv/e2enpm /srv/e2elatest /srv/e2eci; do
      (cd $d && npm ls --depth=0 --parseable --long 2>/dev/null | grep /node_modules/ | cut -d: -f2)
    done
    for v in venv venv-site; do /srv/$v/bin/pip list --format=freeze 2>/dev/null | grep ^drover-e2e; done
    grep include-system /srv/venv/pyvenv.cfg /srv/venv-site/pyvenv.cfg
    stat -c %a /etc/e2e/htpasswd; cut -d: -f1 /etc/e2e/htpasswd
    SVPW=$(sed -n "s/^password=//p" /root/sv.conf); h=$(sed -n "s/^alice://p" /etc/e2e/htpasswd); s=${h#\$apr1\$}; s=${s%%\$*}
    [ "$(printf "%s\n" "$SVPW" | openssl passwd -apr1 -salt "$s" -stdin)" = "$h" ] && echo alice verifies'
}
LATEST_MS=$(on_dr 'npm view ms version 2>/dev/null' || true)
WANT_STATE="e2eapp RUNNING
e2egrp:e2eg1 RUNNING
e2egrp:e2eg2 RUNNING
/bin/sleep 4242
/bin/sleep 4343
/bin/sleep 4444
ms@2.1.2
ms@$LATEST_MS
ms@2.1.3
drover-e2e-alpha==1.0
drover-e2e-beta==1.0
drover-e2e-alpha==2.0
/srv/venv/pyvenv.cfg:include-system-site-packages = false
/srv/venv-site/pyvenv.cfg:include-system-site-packages = true
640
alice
alice verifies"

# --- run 1: everything changes
sampler_start
play drover dr site.yml -e dump=1 -v
sampler_stop
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every task changed ($(recap dr))" changed_is dr 17
drover_recap1=$(recap dr)
got=$(state_of_dr || true)
check "host state after run 1" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
on_dr cat /root/results.json >"$S/drover.json" || true
check "supervisorctl ran during run 1 (the sampler and the wrapper saw it)" \
  on_dr 'grep -q "supervisorctl.* status" /root/ps.log && grep -q "add e2eapp" /root/sv-argv.log'
check "the supervisor password is on no command line and not in the output" password_unseen
check "no temporary configuration left on the host" on_dr '! find /tmp /root -name supervisorctl.conf | grep -q .'

# --- run 2: nothing changes but npm ci (Ansible's runs it on every run)
play drover dr site.yml
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
same_without_batching play drover dr site.yml
check "drover run 2: only npm ci changed ($(recap dr))" changed_is dr 1
drover_recap2=$(recap dr)

# --- the host drifts; --check reports it and changes nothing
on_dr 'set -e; supervisorctl -c /root/sv.conf stop e2eapp >/dev/null
  echo "; drifted" >>/etc/supervisor/conf.d/e2eapp.conf
  rm -rf /srv/e2enpm/node_modules/ms
  cd /srv/e2elatest && npm install --no-audit --no-fund --no-save left-pad >/dev/null 2>&1
  /srv/venv/bin/pip uninstall -y -q drover-e2e-alpha >/dev/null 2>&1
  /srv/venv-site/bin/pip install -q drover-e2e-beta >/dev/null 2>&1
  sed -i "s/^alice:.*/alice:\$apr1\$drifted\$0123456789abcdefghijkl/" /etc/e2e/htpasswd' ||
  check "drifting the host by hand" false
drifted=$(state_of_dr || true)
play drover dr site.yml --check
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
# template, started, npm version, npm absent, npm ci, the handler; pip
# pinned and absent, and requirements and latest (always, as Ansible's)
check "drover --check: the drifted tasks would change ($(recap dr))" changed_is dr 11
check "drover --check changed nothing on the host" test "$(state_of_dr || true)" = "$drifted"

# --- run 3 restores the described state, the handler restarts the program
play drover dr site.yml
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap dr))" changed_is dr 9
got=$(state_of_dr || true)
check "host state after run 3" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
check "left-pad removed" on_dr '! test -e /srv/e2elatest/node_modules/left-pad'
check "drover needs no pip in the host's python3" on_dr '! python3 -m pip --version >/dev/null 2>&1'

# --- the other states and the failures
sampler_start
play drover dr extras.yml
sampler_stop
check "drover extras succeed (rc=$rc)" test "$rc" -eq 0
on_dr cat /root/extras.json >"$S/drover-extras.json" || true
check "the supervisor password is on no command line in the extras" password_unseen

# --- differential: ansible-playbook on the twin host
play ansible py site.yml -e dump=1
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible_recap1=$(recap py)
check "run 1 recap: drover '$drover_recap1', ansible '$ansible_recap1'" \
  test "$drover_recap1" = "$ansible_recap1"
hosts_ssh py cat /root/results.json >"$S/ansible.json" || true
play ansible py site.yml
ansible_recap2=$(recap py)
check "run 2 recap: drover '$drover_recap2', ansible '$ansible_recap2'" \
  test "$drover_recap2" = "$ansible_recap2"
play ansible py extras.yml
check "ansible-playbook extras succeed (rc=$rc)" test "$rc" -eq 0
hosts_ssh py cat /root/extras.json >"$S/ansible-extras.json" || true
compare_results() { # ansible.json drover.json
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, re, sys
def norm(v):  # npm's log file names carry the time
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d_\d+Z", "TIME", v) if isinstance(v, str) else v
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"invocation", "stdout_lines", "stderr_lines", "ansible_facts"}
bad = 0
for task, ar in a.items():
    dr = d.get(task, {})
    for k, v in ar.items():
        if k in skip:
            continue
        if task == "npm_fail" and k == "msg":  # Ansible's no_log heuristic masks the URL in it
            continue
        if k == "cmd" and isinstance(v, str):  # the twin's path to the wrapper or -p
            v = v.replace("-p '********' ", "")
        dv = dr.get(k)
        if k == "cmd" and isinstance(dv, str):
            dv = dv.replace("-p '********' ", "")
        if k not in dr:
            print(f"{task}.{k}: missing in drover (ansible {v!r})", file=sys.stderr); bad += 1
        elif norm(dv) != norm(v):
            print(f"{task}.{k}: ansible {v!r} drover {dv!r}", file=sys.stderr); bad += 1
    for k in dr:
        if k not in ar and k not in skip:
            print(f"{task}.{k}: only in drover ({dr[k]!r})", file=sys.stderr); bad += 1
print(f"compared {sum(len(r) for r in a.values())} keys", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "site.yml: registered results match ansible-playbook's key by key" \
  compare_results "$S/ansible.json" "$S/drover.json"
check "extras.yml: registered results match ansible-playbook's key by key" \
  compare_results "$S/ansible-extras.json" "$S/drover-extras.json"

hosts_stop || check "hosts_stop reported leftovers" false
echo "$passed passed, $failed failed"
((failed == 0))
