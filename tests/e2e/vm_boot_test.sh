#!/usr/bin/env bash
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
# e2e: three local VMs (tests/hosts/hosts.sh) boot, accept SSH as root and as
# `vagrant` (passwordless sudo) with strictly checked host keys, run one
# playbook on all three at once, and leave no process, mount or listening
# socket behind when they stop. Needs root, debootstrap, systemd-nspawn and
# overlayfs; fails (never skips) without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

start=$SECONDS
hosts_start alpha beta gamma
echo "booted ${#HOSTS_NAMES[@]} hosts in $((SECONDS - start))s"

for name in "${HOSTS_NAMES[@]}"; do
  address=${HOSTS_ADDRESS[$name]}
  # The exact command a user types (see README), strict host-key checking.
  got=$(ssh -n -i "$HOSTS_KEY" -o UserKnownHostsFile="$HOSTS_KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes "root@$address" hostname) || got="ssh failed"
  [[ $got == "$name" ]] && pass || fail "$name: hostname over ssh is '$got'"

  got=$(ssh -n -i "$HOSTS_KEY" -o UserKnownHostsFile="$HOSTS_KNOWN_HOSTS" \
    -o StrictHostKeyChecking=yes -o BatchMode=yes "vagrant@$address" 'sudo -n id -u') || got="ssh failed"
  [[ $got == 0 ]] && pass || fail "$name: vagrant's passwordless sudo gives uid '$got'"

  # Strict checking is real: an unknown host key is refused.
  if ssh -n -i "$HOSTS_KEY" -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o BatchMode=yes "root@$address" true 2>/dev/null; then
    fail "$name: login succeeded without a known host key"
  else
    pass
  fi
done

# Hosts keep distinct identities (host keys and machine-ids).
[[ $(cut -d' ' -f3 "$HOSTS_KNOWN_HOSTS" | sort -u | wc -l) -eq 3 ]] && pass ||
  fail "host keys are not distinct: $(cat "$HOSTS_KNOWN_HOSTS")"
ids=$(for name in "${HOSTS_NAMES[@]}"; do hosts_ssh "$name" cat /etc/machine-id; done | sort -u | wc -l)
[[ $ids -eq 3 ]] && pass || fail "machine-ids are not distinct"

# One playbook on all three hosts at once (reference: ansible-playbook).
# Each host records when its sleep began and ended; the windows must overlap.
# check_windows_overlap RUNNER: passes when the last host to start its
# window started before the first one ended hers.
check_windows_overlap() {
  local latest_start=0 earliest_end=9999999999 name begin end
  for name in "${HOSTS_NAMES[@]}"; do
    read -r -d '' begin end < <(hosts_ssh "$name" cat /root/window) || true
    latest_start=$(awk -v a="$latest_start" -v b="${begin:-0}" 'BEGIN { print (b > a) ? b : a }')
    earliest_end=$(awk -v a="$earliest_end" -v b="${end:-0}" 'BEGIN { print (b < a) ? b : a }')
  done
  if awk -v s="$latest_start" -v e="$earliest_end" 'BEGIN { exit !(s < e) }'; then
    pass
  else
    fail "$1 did not run the hosts in parallel (last start $latest_start, first end $earliest_end)"
  fi
}
work=$(mktemp -d)
hosts_on_exit "rm -rf '$work'"
cat >"$work/site.yml" <<'YAML'
- hosts: all
  gather_facts: false
  tasks:
    - name: name the host in a file
      copy:
        dest: /root/drover-e2e
        content: "{{ inventory_hostname }}\n"
    - name: hold the host for a while
      shell: "date +%s.%N > /root/window; sleep 3; date +%s.%N >> /root/window"
YAML
if ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_FORKS=5 \
  ansible-playbook -i "$HOSTS_INVENTORY" "$work/site.yml" >"$work/ansible.log" 2>&1; then
  pass
else
  fail "ansible-playbook failed:"
  cat "$work/ansible.log" >&2
fi
for name in "${HOSTS_NAMES[@]}"; do
  got=$(hosts_ssh "$name" cat /root/drover-e2e) || got=""
  [[ $got == "$name" ]] && pass || fail "$name: /root/drover-e2e holds '$got'"
done
check_windows_overlap ansible-playbook

# The same with drover: facts gathered by its sh script (no Python used),
# a templated task on each host, and the three hosts in parallel.
cat >"$work/drover.yml" <<'YAML'
- hosts: all
  tasks:
    - name: name the host in a file
      shell: "echo {{ inventory_hostname }} {{ ansible_distribution }} > /root/drover-e2e-facts"
    - name: hold the host for a while
      shell: "date +%s.%N > /root/window; sleep 3; date +%s.%N >> /root/window"
YAML
if "$DROVER" playbook -i "$HOSTS_INVENTORY" "$work/drover.yml" >"$work/drover.log" 2>&1; then
  pass
else
  fail "drover playbook failed:"
  cat "$work/drover.log" >&2
fi
for name in "${HOSTS_NAMES[@]}"; do
  got=$(hosts_ssh "$name" cat /root/drover-e2e-facts) || got=""
  [[ $got == "$name Debian" ]] && pass || fail "$name: drover wrote '$got'"
done
check_windows_overlap drover

# Facts of a real Debian host: drover's sh script against `ansible -m setup`.
first=${HOSTS_NAMES[0]}
keep_logs=${KEEP_LOGS:-}
# These hosts share this machine's network, where a concurrent e2e test
# (vm_netns_test) adds and removes links: when the two gathers differ, both
# run again once, so only a difference seen twice fails.
facts_agree() {
  ANSIBLE_NOCOLOR=1 ansible "$first" -i "$HOSTS_INVENTORY" -m setup >"$work/facts.ansible" 2>&1 || true
  "$DROVER" adhoc "$first" -i "$HOSTS_INVENTORY" -m setup >"$work/facts.drover" 2>&1 || true
  python3 "$(dirname "$0")/../lib/compare_facts.py" "booted host" "$work/facts.ansible" \
    "$work/facts.drover"
}
if facts_agree || facts_agree; then
  pass
else
  fail "facts differ from ansible -m setup on $first"
  head -c 2000 "$work/facts.ansible" >&2
fi

# Teardown leaves nothing: every process the hosts had, their mounts and
# their listening sockets are gone. A process is named by PID and start
# time (PIDs are reused quickly on a busy machine); a zombie waiting for
# the machine's init to reap it no longer runs.
process_id() { # pid: "pid starttime state", or nothing when it is gone
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  read -r -a fields <<<"${stat##*) }" # fields after "pid (comm) "
  echo "$1 ${fields[19]} ${fields[0]}"
}
processes=() addresses=()
for name in "${HOSTS_NAMES[@]}"; do
  for pid in $(hosts_pids "$name"); do processes+=("$(process_id "$pid")"); done
  addresses+=("${HOSTS_ADDRESS[$name]}")
done
[[ ${#processes[@]} -ge 12 ]] && pass || fail "expected the hosts' processes, found ${#processes[@]}"
state_dir=$HOSTS_STATE
start=$SECONDS
hosts_stop && pass || fail "hosts_stop reported leftovers"
echo "stopped ${#HOSTS_NAMES[@]} hosts in $((SECONDS - start))s"
alive=()
for process in "${processes[@]}"; do
  read -r pid started _ <<<"$process"
  read -r _ now run_state <<<"$(process_id "$pid")"
  [[ $now == "$started" && $run_state != Z ]] && alive+=("$pid")
done
[[ ${#alive[@]} -eq 0 ]] && pass || fail "processes left: $(ps -o pid,stat,cmd -p "${alive[*]}")"
grep -qF "$state_dir" /proc/mounts && fail "mounts left: $(grep -F "$state_dir" /proc/mounts)" || pass
for address in "${addresses[@]}"; do
  [[ -z $(ss -Hltn "src $address") ]] && pass || fail "$address still has a listening socket"
done
[[ ! -e $state_dir ]] && pass || fail "state left in $state_dir"

echo "$passed passed, $failed failed"
((failed == 0))
