#!/usr/bin/env bash
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
# e2e: the main job (issue 15's acceptance), from a fresh clone of this
# repository, on the local VM of environments/vagrant (in a network of its
# own; its disk is the one `make vm env=vagrant` uses, or the one under
# DROVER_E2E_MAIN_STATE; kept between runs so that a warm run does not
# install the packages again; DROVER_E2E_MAIN_FRESH=1 drops it first; the
# VM must be stopped before, and is stopped after):
#   1. `make demo` ends with https://app.vagrant.test/api/health answering
#      200 with the migration version (certificate verified against pebble's
#      roots); provision and deploy again change nothing, with drover and
#      with ansible-playbook (the demo fails otherwise; checked again here)
#   2. a new commit of the app, `make deploy`: live, each supervisor program
#      restarted exactly once; an unchanged deploy restarts nothing; unchanged
#      provision and deploy print the same with batching off and on
#   3. `make deploy opts='--check --diff'` after a template change shows the
#      diff and changes nothing
#   4. `make secrets` with EDITOR a script changes a value; the next deploy
#      puts it in .env and restarts the API only; the plaintext is in no
#      output, JSON log or file outside the private edit directory
#   5. a wrong vault password stops the run before any host is contacted,
#      naming the file and how to give the password
#   6. the README shows what `make demo` deploys and its final lines
# Needs root, the VM tooling (tools/vm/) and the npm registry; fails (never
# skips) without them. The build is this worktree's ($BUILD, default build/).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export BUILD=${BUILD:-$repo/build}
[[ $BUILD == /* ]] || BUILD=$repo/$BUILD

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

tmp=$(mktemp -d /tmp/drover-main-job.XXXXXX)
clone=$tmp/clone
[[ -z ${DROVER_E2E_MAIN_STATE:-} ]] || export DROVER_VM_STATE=$DROVER_E2E_MAIN_STATE
if [[ -n $(tools/vm/env.sh status vagrant | grep running || true) ]]; then
  echo "FAIL: environments/vagrant's VM is running (make vm-down env=vagrant): it has the test VM's address" >&2
  exit 1
fi
cleanup() {
  # The certificate goes with this run's ACME server (pebble has a new root
  # each start): the next run issues its own.
  [[ -z ${address:-} ]] || vm rm -rf /etc/letsencrypt /etc/nginx/sites-enabled/app.conf 2>/dev/null || true
  (cd "$clone" 2>/dev/null && make --no-print-directory vm-down env=vagrant >/dev/null 2>&1) || true
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

start=$SECONDS
git clone -q "$repo" "$clone"
cd "$clone"
if [[ ${DROVER_E2E_MAIN_FRESH:-0} == 1 ]]; then
  tools/vm/env.sh reset vagrant >/dev/null 2>&1 || true
fi
export HOME=$tmp/home # nothing from the user's ~ (ansible's, ssh's)
mkdir -p "$HOME"

vm() { # runs a command on the VM as root
  ssh -n -i .vm/id_ed25519 -o UserKnownHostsFile=.vm/vagrant/known_hosts \
    -o StrictHostKeyChecking=yes -o BatchMode=yes root@"$address" "$@"
}
spawns() { # how often supervisor started the program app-$1
  vm "grep -c \"spawned: 'app-$1'\" /var/log/supervisor/supervisord.log || true"
}
health() {
  curl -sS -f --resolve app.vagrant.test:443:"$address" --cacert .vm/pebble/roots.pem \
    https://app.vagrant.test/api/health
}
json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
changed_zero() { # every recap line of FILE says changed=0
  grep -qE ' : ok=' "$1" && ! grep -E ' : ok=' "$1" | grep -vqE ' changed=0 '
}

read -r _ address < <(tools/vm/inventory-hosts.sh environments/vagrant/hosts)
# The kept disk may hold a certificate from another clone's ACME server
# (pebble has a new root each start): this run issues its own, as a new VM
# would.
make --no-print-directory vm env=vagrant >"$tmp/vm.txt" 2>&1 || { cat "$tmp/vm.txt" >&2; exit 1; }
vm rm -rf /etc/letsencrypt

# 1. make demo, from the fresh clone, without a terminal.
if make --no-print-directory demo </dev/null >"$tmp/demo.txt" 2>&1; then pass; else
  tail -n 40 "$tmp/demo.txt" >&2
  fail "make demo failed"
  echo "main job: $passed passed, $failed failed (stopped: nothing else can be checked)"
  exit 1
fi
echo "make demo: $((SECONDS - start))s"
grep -qxF 'HTTP 200' "$tmp/demo.txt" && pass || fail "make demo did not show HTTP 200 from /api/health"
grep -qE '"migration": "002"' "$tmp/demo.txt" && pass || fail "make demo's health shows no migration 002"
tail -n 1 "$tmp/demo.txt" | grep -q 'make vm-down env=vagrant' && pass ||
  fail "make demo's last line does not say how to stop the VM"
grep -qE '^total +[0-9.]+s +[0-9.]+s' "$tmp/demo.txt" && pass || fail "make demo printed no timing table"
health >"$tmp/health.json" && [[ $(json migration <"$tmp/health.json") == 002 ]] && pass ||
  fail "https://app.vagrant.test/api/health (verified) is not 200 with migration 002"
for target in provision deploy; do
  make --no-print-directory "$target" env=vagrant >"$tmp/$target.txt" 2>&1 || true
  changed_zero "$tmp/$target.txt" && pass || fail "make $target again changed something: $(grep ' : ok=' "$tmp/$target.txt")"
done
for f in ansible-provision ansible-deploy; do
  changed_zero .vm/demo/$f.txt && pass || fail "$f (in make demo) found something to change"
done

# 2. A new commit of the app is deployed; each program restarts once.
git clone -q .vm/git/app.git "$tmp/app"
sed -i 's/"version": "1.0.0"/"version": "1.0.1"/' "$tmp/app/package.json"
git -C "$tmp/app" -c user.name=test -c user.email=test@localhost commit -qam "1.0.1"
git -C "$tmp/app" push -q origin HEAD:main
new_commit=$(git -C "$tmp/app" rev-parse HEAD)
api_before=$(spawns api) client_before=$(spawns client)
make --no-print-directory deploy env=vagrant >"$tmp/deploy-new.txt" 2>&1 || { cat "$tmp/deploy-new.txt" >&2; fail "deploy of a new commit failed"; }
health >"$tmp/health.json" || true
[[ $(json commit <"$tmp/health.json") == "$new_commit" && $(json version <"$tmp/health.json") == 1.0.1 ]] && pass ||
  fail "the new commit is not live: $(cat "$tmp/health.json")"
[[ $(spawns api) -eq $((api_before + 1)) && $(spawns client) -eq $((client_before + 1)) ]] && pass ||
  fail "restarts for a new commit: api $api_before -> $(spawns api), client $client_before -> $(spawns client) (want +1 each)"
api_before=$(spawns api) client_before=$(spawns client)
make --no-print-directory deploy env=vagrant >"$tmp/deploy-same.txt" 2>&1 || true
changed_zero "$tmp/deploy-same.txt" && pass || fail "an unchanged deploy changed something"
[[ $(spawns api) -eq $api_before && $(spawns client) -eq $client_before ]] && pass ||
  fail "an unchanged deploy restarted a program"
# Batching (issue 21 section 2) changes round trips, never what a run says:
# unchanged provision and deploy with batching off, then on, print the same
# output and recap (durations removed).
strip_times() { sed -E -e 's/[0-9]+\.[0-9]+ ?m?s\b/X/g' -e 's/"(start|end|delta)": "[^"]*"/"\1": X/g' "$1"; }
for target in provision deploy; do
  DROVER_BATCH=0 make --no-print-directory "$target" env=vagrant >"$tmp/$target-off.txt" 2>&1 || true
  make --no-print-directory "$target" env=vagrant >"$tmp/$target-on.txt" 2>&1 || true
  changed_zero "$tmp/$target-on.txt" && diff <(strip_times "$tmp/$target-off.txt") \
    <(strip_times "$tmp/$target-on.txt") >"$tmp/$target-batch.diff" && pass ||
    fail "unchanged $target with batching off and on differs: $(head -n 20 "$tmp/$target-batch.diff")"
done

# 3. --check --diff after a template change: the diff, and nothing changed.
# (.env's template has diff: false: its diff would show the secrets.)
conf=/etc/supervisor/conf.d/app-api.conf
echo 'startsecs=2' >>roles/app/templates/program.conf.j2
conf_before=$(vm md5sum $conf)
api_before=$(spawns api)
make --no-print-directory deploy env=vagrant opts='--check --diff' >"$tmp/check.txt" 2>&1 || true
grep -qE '^\+startsecs=2' "$tmp/check.txt" && pass || fail "--check --diff shows no diff of $conf"
[[ $(vm md5sum $conf) == "$conf_before" ]] && pass || fail "--check changed $conf"
[[ $(spawns api) -eq $api_before ]] && pass || fail "--check restarted the API"
git checkout -q roles/app/templates/program.conf.j2

# 4. make secrets with EDITOR a script; the new value reaches .env only.
secret=s3cr3t-$RANDOM$RANDOM$RANDOM
cat >"$tmp/editor.sh" <<'EDITOR'
#!/bin/sh
# Sets vault_app_secret_key to $NEW_SECRET (from the environment: the value
# is in no file but the one being edited).
sed -i "s/^vault_app_secret_key:.*/vault_app_secret_key: $NEW_SECRET/" "$1"
EDITOR
chmod +x "$tmp/editor.sh"
before=$(md5sum <environments/vagrant/group_vars/all/secrets.yml)
NEW_SECRET=$secret EDITOR=$tmp/editor.sh make --no-print-directory secrets env=vagrant >"$tmp/secrets.txt" 2>&1 ||
  fail "make secrets failed: $(cat "$tmp/secrets.txt")"
[[ $(md5sum <environments/vagrant/group_vars/all/secrets.yml) != "$before" ]] && pass ||
  fail "make secrets did not change secrets.yml"
head -n 1 environments/vagrant/group_vars/all/secrets.yml | grep -q '^\$ANSIBLE_VAULT;1.1;AES256' && pass ||
  fail "secrets.yml is not vault-encrypted after make secrets"
api_before=$(spawns api) client_before=$(spawns client)
make --no-print-directory deploy env=vagrant opts="--json-log $tmp/deploy.json" >"$tmp/deploy-secret.txt" 2>&1 ||
  fail "deploy after make secrets failed"
[[ $(vm "grep -c '^SECRET_KEY=$secret\$' /srv/app/app/.env") == 1 ]] && pass || fail ".env does not have the new secret"
[[ $(spawns api) -eq $((api_before + 1)) && $(spawns client) -eq $client_before ]] && pass ||
  fail "a secret change restarted api $api_before -> $(spawns api), client $client_before -> $(spawns client) (want +1, +0)"
leaks=$(grep -rlF "$secret" "$tmp" "$clone" /dev/shm ${XDG_RUNTIME_DIR:+"$XDG_RUNTIME_DIR"} 2>/dev/null || true)
[[ -z $leaks ]] && pass || fail "the new secret's plaintext is in: $leaks"
[[ -s $tmp/deploy.json ]] && pass || fail "no JSON log written"

# 5. A wrong vault password: refused before any host is contacted.
cp vault/vagrant.password "$tmp/password.good"
echo wrong-password >vault/vagrant.password
logins_before=$(vm "journalctl -u ssh --no-pager -q | grep -c 'Accepted publickey' || true")
if make --no-print-directory deploy env=vagrant >"$tmp/wrong.txt" 2>&1; then
  fail "a wrong vault password did not stop the run"
else
  pass
fi
grep -q 'environments/vagrant/group_vars/all/secrets.yml' "$tmp/wrong.txt" && pass ||
  fail "the wrong-password message does not name the file: $(cat "$tmp/wrong.txt")"
grep -qiE 'vault-password-file|vault password' "$tmp/wrong.txt" && pass ||
  fail "the wrong-password message does not say how to give the password: $(cat "$tmp/wrong.txt")"
cp "$tmp/password.good" vault/vagrant.password
logins_after=$(vm "journalctl -u ssh --no-pager -q | grep -c 'Accepted publickey' || true")
# The check itself logs in once.
[[ $logins_after -eq $((logins_before + 1)) ]] && pass ||
  fail "the refused run logged in to the VM ($logins_before -> $logins_after logins)"

# 6. The README says what make demo deploys and shows its final lines.
grep -qF 'stop it with: make vm-down env=vagrant' README.md && grep -q 'make demo' README.md && pass ||
  fail "the README does not show make demo's final lines"

echo "main job: $passed passed, $failed failed in $((SECONDS - start))s"
((failed == 0))
