#!/usr/bin/env bash
# e2e, the Acceptance of issue 18: ONE playbook (acceptance_system_site.yml)
# using every module of the issue (packages, apt keys and sources, debconf,
# dpkg_selections, cron, keys, known_hosts, getent, host settings, mount,
# alternatives, make, modprobe, facts, a reboot handler, sysctl of net.*,
# ufw and iptables) runs on a FRESH netns host booted without python3:
# failed=0; the rerun changed=0; the same playbook under ansible-playbook
# on a twin netns host with python3 ends with the same ok/changed counts.
# Firewall and net.* tasks only on netns hosts; this machine's own rules
# are read before and after (read only) and must be the same.
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never skips)
# without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh
# shellcheck source=../lib/batch_twin.sh
source tests/lib/batch_twin.sh
DROVER=${DROVER:-build/drover}

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

machine_firewall() { nft list ruleset && iptables -S && iptables -t nat -S && ip6tables -S; }
machine_before=$(machine_firewall)

hosts_start bare:netns:no-python py:netns
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P"
cp "$HOSTS_INVENTORY" "$P/hosts"
cp tests/e2e/acceptance_system_site.yml "$P/site.yml"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False

# An apt key and an SSH key made here, for the playbook's vars.
export GNUPGHOME=$S/gnupg
mkdir -p -m 0700 "$GNUPGHOME"
gpg --batch --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "acceptance@example.invalid" ed25519 sign never 2>/dev/null
ssh-keygen -q -t ed25519 -N '' -C acceptance -f "$S/acc"
{
  echo "apt_key_data: |"
  gpg --armor --export acceptance@example.invalid | sed 's/^/  /'
  echo "ssh_key: $(cat "$S/acc.pub")"
  echo "host_key: $(cut -d' ' -f1,2 "$S/acc.pub")"
} >"$P/vars.yml"

# play TOOL LIMIT ARGS... : sets rc, output in $S/out.
play() {
  local tool=$1 limit=$2
  shift 2
  set +e
  if [[ $tool == drover ]]; then
    (cd "$P" && "$DROVER" playbook -i hosts -l "$limit" site.yml "$@") >"$S/out" 2>&1
  else
    (cd "$P" && ansible-playbook -i hosts -l "$limit" site.yml "$@") >"$S/out" 2>&1
  fi
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
}
recap() { grep -E "^$1 +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }
counts() { recap "$1" | awk '{print $1, $2}'; }
failed_is_0() { grep -qE "^$1 +: .* failed=0 " "$S/out"; }
changed_is() { grep -qE "^$1 +: ok=[0-9]+ +changed=$2 " "$S/out"; }

boot_id() { hosts_ssh "$1" cat /proc/sys/kernel/random/boot_id; }

# --- drover on the fresh host without python3
check "the host starts without python3" \
  test "$(hosts_ssh bare 'command -v python3 >/dev/null; echo $?')" = 1
boot_before=$(boot_id bare)
start=$SECONDS
play drover bare
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: failed=0 ($(recap bare))" failed_is_0 bare
drover1=$(counts bare)
echo "drover run 1: $((SECONDS - start)) s ($(recap bare))"
check "the reboot handler rebooted the host" test "$(boot_id bare)" != "$boot_before"
start=$SECONDS
play drover bare
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 2: changed=0 ($(recap bare))" changed_is bare 0
drover2=$(counts bare)
echo "drover run 2: $((SECONDS - start)) s"
same_without_batching play drover bare
check "host state: cron, hostname, mount, alternative, firewall" test "$(hosts_ssh bare '
  crontab -l | grep -A1 "^#Ansible: certs_renewal"; hostname
  findmnt -n -o FSTYPE /mnt/acceptance; update-alternatives --query acceptance-editor | grep ^Value
  iptables -t nat -S PREROUTING | grep -c "900 enable letsencrypt"; ufw status | head -1')" = \
  "#Ansible: certs_renewal
@weekly certbot renew -q
acceptance
tmpfs
Value: /usr/local/bin/acceptance-editor
1
Status: active"

# --- ansible-playbook on the twin with python3: the same counts
play ansible py
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible1=$(counts py)
check "run 1 counts: drover '$drover1', ansible '$ansible1'" test "$drover1" = "$ansible1"
play ansible py
ansible2=$(counts py)
check "run 2 counts: drover '$drover2', ansible '$ansible2'" test "$drover2" = "$ansible2"

hosts_stop || check "hosts_stop reported leftovers" false
check "this machine's firewall is unchanged" test "$(machine_firewall)" = "$machine_before"
echo "$passed passed, $failed failed"
((failed == 0))
