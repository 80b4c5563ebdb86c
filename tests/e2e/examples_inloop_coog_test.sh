#!/usr/bin/env bash
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
# e2e: two deployment guides as example projects (issue 16): examples/inloop
# (a Django app: gunicorn, huey, Redis, PostgreSQL, nginx) and examples/coog
# (a docker compose deployment configured by layered env files), each on a
# local VM of its own (10.213.0.41, 10.213.0.42), through the examples' own
# Makefiles. The VMs' disks are kept between runs for their packages (as the
# main job's): everything else the examples made is removed first (users,
# database, directories, units), so that provision makes it again;
# DROVER_E2E_EXAMPLES_FRESH=1 drops the disks first (packages installed
# again, from the apt proxy's cache: several minutes more).
#   1. `make provision` and `make deploy env=vagrant` end with failed=0; the
#      reruns change nothing
#   2. inloop on the host: users and groups (id), homes, owners and modes
#      (stat), the deploy key without a passphrase, the env file (0600, every
#      variable of the guide), the database and its owner (psql -c '\l'),
#      the units enabled and active, the migrations applied, the superuser,
#      the gzip copies, the app through nginx
#   3. coog on the host: the merged .env (root env.custom beats
#      custom/env.custom beats env.base), its mode, disabled_services and
#      override.yml of both places, FILESYSTEM_ROOT's directories owned by
#      1003:1003; a missing required value stops the run naming it; the
#      database commands (check mode: the compose steps) and the dump's
#      default file name
#   4. every playbook passes ansible-playbook's --syntax-check
# Needs root and the VM tooling (tools/vm/); fails (never skips) without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export BUILD=${BUILD:-$repo/build}
[[ $BUILD == /* ]] || BUILD=$repo/$BUILD

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

tmp=$(mktemp -d /tmp/drover-examples.XXXXXX)
cleanup() {
  local example
  for example in inloop coog; do
    make --no-print-directory -C "$repo/examples/$example" vm-down env=vagrant >/dev/null 2>&1 || true
  done
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
start=$SECONDS

# on EXAMPLE COMMAND: runs COMMAND as root on the example's VM.
on() {
  local example=$1 address
  shift
  address=$([[ $example == inloop ]] && echo 10.213.0.41 || echo 10.213.0.42)
  ssh -n -i .vm/id_ed25519 -o UserKnownHostsFile=".vm/$example-vagrant/known_hosts" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes root@"$address" "$@"
}
# The app's git daemon on a port of this test's own (other tests and other
# checkouts serve git on this machine too); inloop's repository URL names it.
source "$repo/tests/lib/git_port.sh"
pick_git_port 9440
inloop_repo_opt="-e inloop_repo=git://10.213.0.1:$DROVER_GIT_PORT/inloop.git"
# ex EXAMPLE TARGET [make args]: make in the example's directory.
ex() {
  local example=$1 target=$2
  shift 2
  if [[ $example == inloop && ($target == provision || $target == deploy) ]]; then
    set -- "$@" opts="$inloop_repo_opt"
  fi
  make --no-print-directory -C "examples/$example" "$target" "$@" env=vagrant </dev/null
}
recap_ok() { # FILE: a recap line with failed=0
  grep -qE ' : ok=[0-9]+ +changed=[0-9]+ +unreachable=0 +failed=0 ' "$1"
}
changed_zero() { # FILE: every recap line says changed=0 failed=0
  grep -qE ' : ok=' "$1" && ! grep -E ' : ok=' "$1" | grep -vqE ' changed=0 +unreachable=0 +failed=0 '
}

for example in inloop coog; do
  if [[ ${DROVER_E2E_EXAMPLES_FRESH:-0} == 1 ]]; then
    DROVER_VM_PROJECT=examples/$example tools/vm/env.sh reset vagrant >/dev/null 2>&1 || true
  fi
  ex "$example" vm >"$tmp/$example-vm.txt" 2>&1 || { cat "$tmp/$example-vm.txt" >&2; exit 1; }
done
# What a kept disk has of the examples, but its packages, goes (run on the
# host: its variables expand there).
# shellcheck disable=SC2016
on inloop 'systemctl disable --now gunicorn huey 2>/dev/null
  rm -f /etc/systemd/system/gunicorn.service /etc/systemd/system/huey.service
  systemctl daemon-reload
  rm -rf /opt/inloop /var/lib/inloop /etc/inloop /usr/local/sbin/inloop-manage \
    /etc/nginx/sites-enabled/inloop.conf /etc/nginx/sites-available/inloop.conf
  for u in inloop gunicorn huey; do userdel -r "$u" 2>/dev/null || userdel "$u" 2>/dev/null; done
  for g in inloop gunicorn huey docker; do groupdel "$g" 2>/dev/null; done
  if command -v psql >/dev/null; then
    cd /tmp && runuser -u postgres -- dropdb --if-exists inloop && runuser -u postgres -- dropuser --if-exists inloop
  fi
  true' >/dev/null 2>&1
on coog 'rm -rf /srv/coog /coog'
echo "VMs up: $((SECONDS - start))s"

# 1. provision + deploy of both at once, then both again.
run_example() { # EXAMPLE ROUND
  local target
  for target in provision deploy; do
    ex "$1" "$target" >"$tmp/$1-$target-$2.txt" 2>&1 || true
  done
}
run_example inloop 1 &
inloop_pid=$!
run_example coog 1
wait "$inloop_pid"
echo "provision + deploy: $((SECONDS - start))s"
for example in inloop coog; do
  for target in provision deploy; do
    f=$tmp/$example-$target-1.txt
    recap_ok "$f" && pass || { tail -n 30 "$f" >&2; fail "$example: make $target failed"; }
  done
done
run_example inloop 2 &
inloop_pid=$!
run_example coog 2
wait "$inloop_pid"
for example in inloop coog; do
  for target in provision deploy; do
    f=$tmp/$example-$target-2.txt
    changed_zero "$f" && pass || {
      grep -B2 -E '^(changed|fatal|failed)' "$f" >&2 || true
      fail "$example: make $target again: $(grep ' : ok=' "$f" || echo 'no recap')"
    }
  done
done
echo "reruns: $((SECONDS - start))s"

# 2. inloop on the host.
id_inloop=$(on inloop id inloop)
[[ $id_inloop == *"(sudo)"* && $id_inloop == *"(docker)"* ]] && pass || fail "id inloop: $id_inloop"
[[ $(on inloop id -gn gunicorn) == gunicorn && $(on inloop id -gn huey) == huey ]] && pass ||
  fail "gunicorn/huey's groups: $(on inloop 'id gunicorn; id huey')"
[[ $(on inloop getent passwd gunicorn | cut -d: -f6) == / ]] && pass || fail "gunicorn's home is not /"
[[ $(on inloop getent passwd huey | cut -d: -f6) == /var/lib/inloop ]] && pass || fail "huey's home is not /var/lib/inloop"
owners=$(on inloop stat -c "'%n %U:%G'" /var/lib/inloop /var/lib/inloop/media /var/lib/inloop/git \
  /var/lib/inloop/.ssh/id_ed25519 /var/lib/inloop/media/solutions)
[[ $owners == "/var/lib/inloop huey:huey
/var/lib/inloop/media huey:huey
/var/lib/inloop/git huey:huey
/var/lib/inloop/.ssh/id_ed25519 huey:huey
/var/lib/inloop/media/solutions gunicorn:gunicorn" ]] && pass || fail "owners under /var/lib/inloop: $owners"
on inloop "ssh-keygen -y -P '' -f /var/lib/inloop/.ssh/id_ed25519 >/dev/null" && pass ||
  fail "huey's deploy key is missing or has a passphrase"
[[ $(on inloop "stat -c '%a %U' /etc/inloop/inloop.env") == "600 root" ]] && pass ||
  fail "the env file's mode/owner: $(on inloop "stat -c '%a %U' /etc/inloop/inloop.env")"
keys=$(on inloop "sed -n 's/^\([A-Z_]*\)=.*/\1/p' /etc/inloop/inloop.env" | sort | tr '\n' ' ')
[[ $keys == "ADMINS ALLOWED_HOSTS CACHE_URL DATABASE_URL DEBUG DJANGO_SETTINGS_MODULE EMAIL_HOST EMAIL_PORT FROM_EMAIL GITHUB_SECRET GIT_ROOT LANG MEDIA_ROOT PYTHONPATH REDIS_URL SECRET_KEY STATIC_ROOT " ]] &&
  pass || fail "the env file's keys: $keys"
on inloop "cd /tmp && runuser -u postgres -- psql -Atc '\l' | grep -q '^inloop|inloop|'" && pass ||
  fail "no database inloop owned by inloop: $(on inloop "cd /tmp && runuser -u postgres -- psql -Atc '\l'")"
[[ $(on inloop systemctl is-enabled gunicorn huey | tr '\n' ' ') == "enabled enabled " ]] && pass ||
  fail "gunicorn/huey not enabled"
[[ $(on inloop systemctl is-active gunicorn huey redis-server nginx | tr '\n' ' ') == "active active active active " ]] &&
  pass || fail "services not active: $(on inloop systemctl is-active gunicorn huey redis-server nginx | tr '\n' ' ')"
unapplied=$(on inloop "/usr/local/sbin/inloop-manage showmigrations --plan | grep -c '^\[ \]' || true")
applied=$(on inloop "cd /tmp && runuser -u postgres -- psql -Atc \"select count(*) from django_migrations where app = 'solutions'\" inloop")
[[ $unapplied == 0 && $applied == 1 ]] && pass || fail "migrations: $unapplied unapplied, solutions applied: $applied"
[[ $(on inloop "cd /tmp && runuser -u postgres -- psql -Atc \"select username from auth_user where is_superuser\" inloop") == admin ]] &&
  pass || fail "no superuser admin"
[[ $(on inloop "cd /tmp && runuser -u postgres -- psql -Atc \"select domain from django_site where id = 1\" inloop") == inloop.vagrant.test ]] &&
  pass || fail "set_default_site did not set the site's domain"
gz=$(on inloop "ls /opt/inloop/static/css/inloop.css.gz /opt/inloop/static/js/inloop.js.gz && gzip -lv /opt/inloop/static/css/inloop.css.gz | grep -c inloop.css")
[[ $gz == *inloop.js.gz* ]] && pass || fail "gzip copies missing: $gz"
health=$(on inloop "curl -sS -H 'Host: inloop.vagrant.test' http://127.0.0.1/health")
[[ $health == *'"status": "ok"'* ]] && pass || fail "the app through nginx: $health"
encoding=$(on inloop "curl -sSI -H 'Accept-Encoding: gzip' -H 'Host: inloop.vagrant.test' http://127.0.0.1/static/css/inloop.css")
[[ $encoding == *"Content-Encoding: gzip"* ]] && pass || fail "nginx does not serve the gzip copy"
# A stale copy (its file newer) is made again; the next deploy changes nothing.
on inloop "touch /opt/inloop/static/js/inloop.js"
ex inloop deploy >"$tmp/inloop-deploy-3.txt" 2>&1 || true
grep -A1 'gzip copies' "$tmp/inloop-deploy-3.txt" | grep -q '^changed' && pass || fail "a stale gzip copy was not renewed"
! grep -q "$(sed -n 's/^vault_inloop_secret_key: //p' <(build/drover vault view --vault-password-file examples/inloop/vault/vagrant.password examples/inloop/environments/vagrant/group_vars/all/secrets.yml))" \
  "$tmp"/inloop-*.txt && pass || fail "the secret key is in make's output"

# 3. coog on the host.
envfile=$(on coog cat /srv/coog/.env)
want_lines=("COOG_WEB_PORT=80" "COOG_SERVER_WORKERS=4" "COOG_LOG_LEVEL=debug" "COOG_CUSTOMER=acme"
  "FILESYSTEM_ROOT=/coog" "COMPOSE_FILE=docker-compose.yml:override.yml"
  "COOG_SERVICES=postgres redis coog celery web")
for line in "${want_lines[@]}"; do
  grep -qxF "$line" <<<"$envfile" && pass || fail ".env lacks '$line' (the merge's precedence): $envfile"
done
[[ $(grep -c '^COOG_WEB_PORT=' <<<"$envfile") == 1 ]] && pass || fail ".env has COOG_WEB_PORT more than once"
[[ $(on coog "stat -c '%a %U' /srv/coog/.env") == "600 root" ]] && pass || fail ".env's mode is not 0600 root"
dirs=$(on coog "stat -c '%u:%g' /coog /coog/postgres /coog/redis /coog/coog /coog/backups | sort -u")
[[ $dirs == "1003:1003" ]] && pass || fail "FILESYSTEM_ROOT's directories are not 1003:1003: $dirs"
ex coog provision opts="-e coog_domain=" >"$tmp/coog-missing.txt" 2>&1 && fail "a missing COOG_DOMAIN did not stop the run" || pass
grep -q 'COOG_DOMAIN: parameter null or not set' "$tmp/coog-missing.txt" && pass ||
  fail "the missing value is not named: $(grep -E 'fatal|failed:' "$tmp/coog-missing.txt")"
grep -q 'docker-compose up -d --remove-orphans postgres redis coog celery web' "$tmp/coog-deploy-1.txt" && pass ||
  fail "deploy does not show the compose step"
grep -A1 'TASK \[coog : docker compose up\]' "$tmp/coog-deploy-1.txt" | grep -q '^skipping' && pass ||
  fail "the compose step was not in check mode"
today=$(on coog date +%F)
ex coog db cmd=dump database=coog opts='-e format=zip' >"$tmp/coog-dump.txt" 2>&1 && recap_ok "$tmp/coog-dump.txt" && pass ||
  fail "make db cmd=dump failed: $(tail -n 5 "$tmp/coog-dump.txt")"
grep -qF "dump of coog (zip) to /coog/backups/coog-$today.zip" "$tmp/coog-dump.txt" && pass ||
  fail "the dump's default file name: $(grep 'dump of' "$tmp/coog-dump.txt")"
for cmd in reset update load change_admin_password; do
  ex coog db cmd=$cmd database=coog opts='-e file=/coog/backups/x.sql' >"$tmp/coog-$cmd.txt" 2>&1 && recap_ok "$tmp/coog-$cmd.txt" && pass ||
    fail "make db cmd=$cmd failed: $(tail -n 5 "$tmp/coog-$cmd.txt")"
done
ex coog db cmd=update >"$tmp/coog-nodb.txt" 2>&1 && fail "a database command ran without a database" || pass
grep -q 'database: parameter null or not set' "$tmp/coog-nodb.txt" && pass || fail "no database: not named"

# 4. ansible-playbook reads every playbook.
for playbook in examples/inloop/playbooks/site.yml examples/coog/playbooks/site.yml examples/coog/playbooks/database.yml; do
  dir=${playbook%%/playbooks/*}
  (cd "$dir" && ansible-playbook --syntax-check --vault-password-file vault/vagrant.password \
    -i environments/vagrant/hosts "${playbook#"$dir"/}") >"$tmp/syntax.txt" 2>&1 && pass ||
    fail "ansible-playbook --syntax-check $playbook: $(cat "$tmp/syntax.txt")"
done

echo "examples inloop, coog: $passed passed, $failed failed in $((SECONDS - start))s"
((failed == 0))
