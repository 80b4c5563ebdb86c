#!/usr/bin/env bash
# e2e: issue 14's acceptance. tests/data/appstack/stack/site.yml on a FRESH
# host (nothing installed beforehand): PostgreSQL from the Debian mirror
# with a role that has a password and a database it owns; a venv whose
# requirements file is installed from wheels this test builds offline
# (`pip wheel --no-index` from the tiny source packages in
# tests/data/appstack/pypkgs; no package index is reachable), with Django
# from Debian's python3-django through virtualenv_site_packages;
# `django_manage migrate` on the tiny project in tests/data/appstack/django;
# an npm project installed with `ci: true` from its lockfile (kept without
# `resolved` URLs: the registry comes from the host's npm configuration);
# the app
# under supervisor from a templated program config; a self-signed
# certificate (community.crypto openssl_privatekey + x509_certificate).
# Run 1: failed=0; run 2: changed=0. Host state read with psql (\du, \l),
# the venv's pip and python, npm ls, supervisorctl status, ps and openssl.
# The role's password is never on a host command line (a ps sampler runs
# through run 1), nor in the output (-v) or the JSON log.
# Needs root, debootstrap, systemd-nspawn, overlayfs, the Debian mirror and
# the npm registry reachable from the hosts; fails (never skips) without.
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

hosts_start app
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P"
cp -r "$data/stack/." "$P/"
cp -r "$data/django" "$P/files/"
cp "$HOSTS_INVENTORY" "$P/hosts"
on_app() { hosts_ssh app "$@"; }

# The wheels, built offline from the test's source packages (a copy: pip
# writes build directories beside the sources).
start=$SECONDS
cp -r "$data/pypkgs" "$S/pypkgs"
/usr/bin/python3 -m pip wheel -q --no-index --no-deps --no-build-isolation \
  -w "$P/files/wheels" "$S/pypkgs/greeting" "$S/pypkgs/sleeper" >"$S/wheel.log" 2>&1 ||
  check "building the wheels offline ($(cat "$S/wheel.log"))" false
echo "wheels built in $((SECONDS - start)) s" >&2

DB_PASSWORD="db-pw-$RANDOM$RANDOM-never-on-argv"
cat >"$P/vars.yml" <<EOF
db_password: "$DB_PASSWORD"
greeting_name: drover
EOF
password_unseen() { # the ps log on the host, the output and the JSON log
  on_app "! grep -qF -- '$DB_PASSWORD' /root/ps.log" &&
    ! grep -qF -- "$DB_PASSWORD" "$S/out" && ! grep -qF -- "$DB_PASSWORD" "$S/log.json"
}
sampler_start() {
  on_app 'rm -f /root/ps.log; nohup sh -c "while [ ! -e /root/ps.stop ]; do ps -eo args >>/root/ps.log; sleep 0.05; done; rm /root/ps.stop" >/dev/null 2>&1 &'
}
sampler_stop() { on_app 'touch /root/ps.stop; while [ -e /root/ps.stop ]; do sleep 0.1; done'; }
play() {
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts --json-log "$S/log.json" "$@" site.yml) >"$S/out" 2>&1
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
}
recap() { grep -E "^app +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }

start=$SECONDS
sampler_start
play -v
sampler_stop
run1=$((SECONDS - start))
check "run 1 succeeds (rc=$rc, $(recap))" test "$rc" -eq 0
check "run 1: failed=0" grep -qE "^app +: ok=[0-9]+ +changed=[0-9]+ +unreachable=0 +failed=0 " "$S/out"
check "the database password is on no command line, in no output or log" password_unseen
echo "run 1 took $run1 s ($(recap))" >&2

# shellcheck disable=SC2016 # expanded on the host
state=$(on_app 'cd /
  su postgres -c "psql -XtAc \"select rolname, rolpassword is not null from pg_authid where rolname = '"'appuser'"'\""
  su postgres -c "psql -XtAc \"select datname, pg_get_userbyid(datdba) from pg_database where datname = '"'appdb'"'\""
  /srv/app/venv/bin/pip list --format=freeze 2>/dev/null | grep -E "^(drover-app|Django)" | sort
  grep include-system /srv/app/venv/pyvenv.cfg
  cd /srv/app/django && /srv/app/venv/bin/python manage.py showmigrations notes
  cd /srv/app/web && npm ls --depth=0 --parseable --long 2>/dev/null | grep /node_modules/ | cut -d: -f2
  supervisorctl status drover-app | awk "{ print \$1, \$2 }"
  grep -c "hello, drover" /var/log/supervisor/drover-app.log
  openssl x509 -noout -in /etc/ssl/certs/drover-app.crt -checkend 0 >/dev/null && echo certificate valid
  [ "$(openssl x509 -noout -pubkey -in /etc/ssl/certs/drover-app.crt)" = "$(openssl pkey -pubout -in /etc/ssl/private/drover-app.key)" ] && echo key matches' 2>&1 || true)
want_re="^appuser\|t
appdb\|appuser
Django==3\.2\.[0-9]+
drover-app-greeting==1\.0
drover-app-sleeper==2\.0
include-system-site-packages = true
notes
 \[X\] 0001_initial
ms@2\.1\.3
drover-app RUNNING
[1-9][0-9]*
certificate valid
key matches$"
check "host state after run 1" grep -qzE "$want_re" <<<"$state"
grep -qzE "$want_re" <<<"$state" || echo "$state" | sed 's/^/    state: /' >&2

start=$SECONDS
play
check "run 2 succeeds (rc=$rc)" test "$rc" -eq 0
check "run 2: changed=0 ($(recap))" grep -qE "^app +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0 " "$S/out"
echo "run 2 took $((SECONDS - start)) s" >&2
same_without_batching play

hosts_stop || check "hosts_stop reported leftovers" false
echo "$passed passed, $failed failed"
((failed == 0))
