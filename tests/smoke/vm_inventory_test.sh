#!/usr/bin/env bash
# smoke: tools/vm/inventory-hosts.sh picks the local VMs (hosts with a
# loopback or 10.213.0.0/16 ansible_host) out of an INI inventory, and the shipped
# environments/vagrant/hosts has at least one.
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
set -euo pipefail
cd "$(dirname "$0")/../.."
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/hosts" <<'INI'
# comment
; another comment
[web]
web1 ansible_host=127.0.0.21 ansible_user=vagrant
web2   ansible_host="127.0.0.22"  ansible_ssh_common_args='-o UserKnownHostsFile=x y'

[db]
db1 ansible_host=10.0.0.5
db2 ansible_host=127.0.0.1
db3 ansible_host=127.0.0.255
web1
cache1

[db:vars]
ansible_host=127.0.0.99

[all:children]
web
INI
got=$(tools/vm/inventory-hosts.sh "$work/hosts" 2>"$work/err")
want=$'web1 127.0.0.21\nweb2 127.0.0.22'
[[ $got == "$want" ]] && pass || fail "hosts: got '$got', want '$want'"
for skipped in db1 db2 db3 cache1; do
  grep -q "skipping $skipped:" "$work/err" && pass || fail "$skipped not reported as skipped"
done
grep -q "skipping web1" "$work/err" && fail "web1 (listed twice) reported as skipped" || pass

tools/vm/inventory-hosts.sh "$work/missing" 2>/dev/null && fail "a missing inventory succeeded" || pass

got=$(tools/vm/inventory-hosts.sh environments/vagrant/hosts)
[[ $got =~ ^web1\ (127\.0\.0|10\.213\.[0-9]+)\.[0-9]+$ ]] && pass || fail "environments/vagrant/hosts gives '$got'"

echo "$passed passed, $failed failed"
((failed == 0))
