#!/usr/bin/env bash
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
# e2e: a local VM booted without python3 (tests/hosts/hosts.sh ":no-python")
# is a usable host (SSH, shell, dpkg, systemd) on which nothing can run
# Python: the host drover must provision without any. Needs root,
# debootstrap, systemd-nspawn and overlayfs; fails (never skips) without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

hosts_start bare:no-python

# The host answers, and its shell works: the failures below are real.
# shellcheck disable=SC2016 # expanded on the host
got=$(hosts_ssh bare 'echo "$(hostname) $(systemctl is-system-running --wait)"') || got="ssh failed"
[[ $got == "bare running" ]] && pass || fail "bare: host state is '$got'"

set +e
hosts_ssh bare 'command -v python3'
status=$?
set -e
[[ $status -eq 1 ]] && pass || fail "bare: 'command -v python3' exited $status (1 expected)"
got=$(hosts_ssh bare 'ls /usr/bin/python* /usr/lib/python3* 2>/dev/null | wc -l')
[[ $got -eq 0 ]] && pass || fail "bare: $got python files left"
got=$(hosts_ssh bare "dpkg-query -W -f '\${db:Status-Abbrev}\${Package}\n' 'python3*' | grep -c '^ii' || true")
[[ $got -eq 0 ]] && pass || fail "bare: dpkg still lists $got python3 packages as installed"

# Ansible's reference behaviour proves the point from the outside: modules
# need Python (ping fails), raw commands do not.
if ansible -i "$HOSTS_INVENTORY" bare -m ping >/dev/null 2>&1; then
  fail "bare: ansible's ping module ran, so Python is there"
else
  pass
fi
got=$(ansible -i "$HOSTS_INVENTORY" bare -m raw -a 'echo raw-ok' 2>&1) || true
[[ $got == *raw-ok* ]] && pass || fail "bare: ansible raw failed: $got"

# What drover's apt, user, template and systemd modules will do there is
# possible without Python: done here by hand in plain sh, so that a later
# drover failure on this host is drover's, not the host's (mirror reachable,
# dpkg usable, systemd starting units).
# shellcheck disable=SC2016 # expanded on the host
if hosts_ssh bare 'set -e
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends hello >/dev/null
  useradd --create-home --shell /bin/sh e2e
  printf "[Service]\nType=oneshot\nRemainAfterExit=yes\nUser=e2e\nExecStart=/bin/sh -c \"hello >/home/e2e/hello\"\n" \
    >/etc/systemd/system/e2e.service
  systemctl daemon-reload
  systemctl start e2e.service
  systemctl is-active e2e.service
  test "$(stat -c %U /home/e2e/hello) $(cat /home/e2e/hello)" = "e2e Hello, world!"
  ! command -v python3' >"$HOSTS_STATE/hand.log" 2>&1; then
  pass
else
  fail "bare: apt/user/file/systemd by hand failed: $(cat "$HOSTS_STATE/hand.log")"
fi

# drover on the host without Python: facts (its sh script), templated
# commands, become, and a registered result driving a condition. The apt,
# user, group, template and systemd modules there: system_modules_test.sh.
cat >"$HOSTS_STATE/nopython.yml" <<'YAML'
- hosts: all
  tasks:
    - name: facts came from sh
      assert:
        that:
          - ansible_distribution == 'Debian'
          - ansible_os_family == 'Debian'
          - ansible_pkg_mgr == 'apt'
          - ansible_service_mgr == 'systemd'
    - name: a user's file, written through sudo
      shell: "echo {{ inventory_hostname }} > /tmp/drover-nopython; id -un"
      become: true
      become_user: e2e
      register: who
    - assert: {that: "who.stdout == 'e2e'"}
    - name: python is still absent
      command: sh -c 'command -v python3 || echo absent'
      register: py
      changed_when: false
    - assert: {that: "py.stdout == 'absent'"}
YAML
sed 's/ansible_user=root/ansible_user=vagrant/' "$HOSTS_INVENTORY" >"$HOSTS_STATE/nopython.hosts"
if "$DROVER" playbook -i "$HOSTS_STATE/nopython.hosts" "$HOSTS_STATE/nopython.yml" -b \
  >"$HOSTS_STATE/drover.log" 2>&1; then
  pass
else
  fail "drover on the host without python3: $(cat "$HOSTS_STATE/drover.log")"
fi

hosts_stop && pass || fail "hosts_stop reported leftovers"
echo "$passed passed, $failed failed"
((failed == 0))
