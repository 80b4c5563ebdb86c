#!/usr/bin/env bash
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
# e2e (issue 20's acceptance): the package `make deb` builds installs with
# `dpkg -i` on a booted Debian host (tests/hosts/hosts.sh), its dependencies
# from the host's apt, and runs there: `drover --version`, the man page,
# `drover ping` and the `ansible` link against the host's own sshd (on its
# own loopback address: the hosts share this machine's network, so
# 127.0.0.1 would be this machine's), with a key of its own and the host key
# checked strictly; `dpkg -r` removes it whole. Needs root, debootstrap, systemd-nspawn and overlayfs; fails
# (never skips) without them. The release build is compiled on the first
# run (ccache keeps it).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

start=$SECONDS
log=$(mktemp)
make --no-print-directory deb >"$log" 2>&1 || { tail -40 "$log" build/deb/build.log; exit 1; }
rm -f "$log"
echo "make deb: $((SECONDS - start))s"
mapfile -t debs < <(ls build/deb/*.deb)
[[ ${#debs[@]} -eq 1 ]] || { echo "FAIL: ${#debs[@]} .deb files under build/deb" >&2; exit 1; }
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)

start=$SECONDS
hosts_start pkg
echo "booted in $((SECONDS - start))s"
work=$HOSTS_STATE/deb-test
mkdir -p "$work"
scp -q -i "$HOSTS_KEY" -o BatchMode=yes -o StrictHostKeyChecking=yes \
  -o UserKnownHostsFile="$HOSTS_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
  "$deb" "root@${HOSTS_ADDRESS[pkg]}:/tmp/drover.deb"

# dpkg -i as a user does it: it stops on the missing dependencies, which
# apt-get -f then installs (from the host's own apt sources).
start=$SECONDS
# shellcheck disable=SC2016 # expanded on the host
if hosts_ssh pkg 'export DEBIAN_FRONTEND=noninteractive
  ! command -v drover >/dev/null || { echo "drover already there"; exit 1; }
  dpkg -i /tmp/drover.deb || { apt-get update -q && apt-get install -f -y -q --no-install-recommends; }
  test "$(dpkg-query -W -f "\${Status}" drover)" = "install ok installed"' \
  >"$work/install.log" 2>&1; then
  pass
else
  fail "dpkg -i and its dependencies: $(tail -20 "$work/install.log")"
fi
echo "installed in $((SECONDS - start))s"

got=$(hosts_ssh pkg 'command -v drover; drover --version | head -1' 2>&1) || true
[[ $got == $'/usr/bin/drover\n'*"$version"* ]] && pass ||
  fail "installed drover --version: '$got' (package version $version)"
got=$(hosts_ssh pkg 'man -w drover 2>/dev/null || ls /usr/share/man/man1/drover.1*' 2>&1) || true
[[ $got == /usr/share/man/man1/drover.1* ]] && pass || fail "man page not installed: '$got'"
hosts_ssh pkg 'test -f /usr/share/bash-completion/completions/drover' && pass ||
  fail "bash completion not installed"

# drover ping through the host's own sshd: a fresh key for root, the host
# key recorded first, strict checking.
address=${HOSTS_ADDRESS[pkg]}
# shellcheck disable=SC2016 # $address expanded here, the rest on the host
if hosts_ssh pkg 'set -e
  mkdir -p /root/.ssh
  ssh-keygen -q -t ed25519 -N "" -f /root/.ssh/deb_test
  cat /root/.ssh/deb_test.pub >>/root/.ssh/authorized_keys
  ssh-keyscan -t ed25519 '"$address"' >/root/.ssh/deb_test_known
  test -s /root/.ssh/deb_test_known
  printf "[local]\n'"$address"' ansible_user=root ansible_ssh_private_key_file=/root/.ssh/deb_test\n" \
    >/tmp/deb_inv.ini' >"$work/key.log" 2>&1; then
  pass
else
  fail "key for the local sshd: $(cat "$work/key.log")"
fi
# shellcheck disable=SC2016 # expanded on the host
got=$(hosts_ssh pkg 'cat /root/.ssh/deb_test_known >>/root/.ssh/known_hosts
  cd /tmp && drover ping all -i /tmp/deb_inv.ini; echo "rc=$?"' 2>&1) || true
[[ $got == *"$address | SUCCESS => {"*'"ping": "pong"'*'rc=0' ]] && pass ||
  fail "installed drover ping against the host's sshd: $got"
got=$(hosts_ssh pkg 'cd /tmp && PATH=/usr/lib/drover/ansible-bin:$PATH
  command -v ansible; ansible all -i /tmp/deb_inv.ini -m ping; echo "rc=$?"' 2>&1) || true
[[ $got == /usr/lib/drover/ansible-bin/ansible$'\n'*'"ping": "pong"'*'rc=0' ]] && pass ||
  fail "the installed ansible link: $got"

# Removed whole: no file of the package left.
# shellcheck disable=SC2016 # expanded on the host
if hosts_ssh pkg 'set -e
  dpkg-query -L drover | sort -r >/tmp/deb_files
  dpkg -r drover
  ! command -v drover
  while read -r f; do [ -d "$f" ] || [ ! -e "$f" ] || { echo "left: $f"; exit 1; }; done </tmp/deb_files' \
  >"$work/remove.log" 2>&1; then
  pass
else
  fail "dpkg -r: $(cat "$work/remove.log")"
fi

echo "deb install: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
