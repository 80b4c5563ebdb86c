#!/usr/bin/env bash
# shellcheck disable=SC2015 # pass and fail always succeed: A && pass || fail
# shellcheck disable=SC2016 # commands expanded on the hosts
# e2e: hosts with a network of their own (tests/hosts/hosts.sh ":netns",
# tools/vm/net.sh). Three netns hosts boot (one without python3); each is
# reached from this machine at its own 10.213.100.x address, has eth0 as its
# default interface (facts: ansible_default_ipv4.interface), and two of them
# both serve port 80; hosts reach each other; apt installs a package through
# the proxy on 10.213.0.1:3142, HTTPS to the npm registry goes through it
# while other destinations are refused; firewall rules added inside the
# hosts (iptables nat, nft) leave THIS machine's `iptables -S`, `nft list
# ruleset` and forwarding settings unchanged; teardown leaves no namespace,
# link or proxy of the run. Needs root, debootstrap, systemd-nspawn,
# overlayfs, apt-cacher-ng, iptables and nftables (read-only here); fails
# (never skips) without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh
DROVER=${DROVER:-build/drover}

passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# This machine's firewall and forwarding, read only (never changed here).
machine_network() {
  for tool in iptables nft; do
    command -v "$tool" >/dev/null || { echo "'$tool' is missing (make deps)" >&2; exit 1; }
  done
  nft list ruleset
  iptables -S && iptables -t nat -S && ip6tables -S && ip6tables -t nat -S
  cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding
}
before=$(machine_network)

start=$SECONDS
hosts_start w1:netns w2:netns bare:netns:no-python
echo "booted ${#HOSTS_NAMES[@]} netns hosts in $((SECONDS - start))s"

for name in "${HOSTS_NAMES[@]}"; do
  address=${HOSTS_ADDRESS[$name]}
  [[ $address == 10.213.100.* && ${HOSTS_NETNS[$name]} == true ]] && pass ||
    fail "$name: address $address is not a netns address"
  got=$(hosts_ssh "$name" 'hostname; ip -4 route get 10.213.0.1 | sed -n "s/.* dev \([^ ]*\).*/\1/p"; ip -4 -o addr show eth0 | awk "{print \$4}"') || got="ssh failed"
  [[ $got == "$name"$'\n'eth0$'\n'"$address/16" ]] && pass || fail "$name: identity/link is '$got'"
done
hosts_ssh bare 'command -v python3' >/dev/null && fail "bare: python3 is present" || pass

# Facts give the primary interface, as on a VM.
P=$HOSTS_STATE/.client/project
mkdir -p "$P"
cat >"$P/facts.yml" <<'EOF'
- hosts: all
  tasks:
    - debug: {msg: "iface={{ ansible_default_ipv4.interface }} addr={{ ansible_default_ipv4.address }}"}
EOF
out=$("$DROVER" playbook -i "$HOSTS_INVENTORY" "$P/facts.yml" 2>&1) || true
for name in "${HOSTS_NAMES[@]}"; do
  grep -qF "iface=eth0 addr=${HOSTS_ADDRESS[$name]}" <<<"$out" && pass ||
    fail "$name: facts' default_ipv4 is not eth0/${HOSTS_ADDRESS[$name]}: $out"
done

# Two hosts both serve port 80, each reachable at its address.
for name in w1 w2; do
  hosts_ssh "$name" 'systemd-run --unit=web80 python3 -m http.server 80 --directory /etc >/dev/null 2>&1
    for i in $(seq 30); do ss -Hltn "sport = :80" | grep -q . && break; sleep 0.2; done' || true
done
for name in w1 w2; do
  got=$(curl -s -m 5 --noproxy '*' "http://${HOSTS_ADDRESS[$name]}/hostname") || got="curl failed"
  [[ $got == "$name" ]] && pass || fail "$name: port 80 from this machine gives '$got'"
done
got=$(hosts_ssh w2 "curl -s -m 5 http://${HOSTS_ADDRESS[w1]}/hostname") || got="curl failed"
[[ $got == w1 ]] && pass || fail "w2 does not reach w1's port 80: '$got'"

# apt through the proxy, on the host without python3 and on w1 (iptables,
# nftables for the next step).
for name in bare w1; do
  pkgs=hello
  [[ $name == w1 ]] && pkgs="iptables nftables"
  t=$SECONDS
  hosts_ssh "$name" "export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/tmp/apt.log 2>&1 && apt-get install -y -q --no-install-recommends $pkgs >>/tmp/apt.log 2>&1 ||
    { tail -n 15 /tmp/apt.log; exit 1; }" && pass || fail "$name: apt-get install $pkgs through the proxy"
  echo "$name: apt-get update + install $pkgs: $((SECONDS - t))s"
done
got=$(hosts_ssh bare 'hello') || got="hello failed"
[[ $got == "Hello, world!" ]] && pass || fail "bare: hello says '$got'"

# HTTPS: the npm registry through the proxy; anything else refused.
registry=$(npm config get registry 2>/dev/null || true)
if [[ $registry == https://* ]]; then
  got=$(hosts_ssh w1 "curl -s -o /dev/null -m 20 -w '%{http_code}' '$registry'") || got="curl failed: $got"
  [[ $got == 200 ]] && pass || fail "w1: the npm registry through the proxy gives '$got'"
else
  fail "npm config get registry gives no https registry on this machine ('$registry')"
fi
got=$(hosts_ssh w1 "curl -s -o /dev/null -m 10 -w '%{http_code}' https://example.invalid/") || true
[[ $got != 200 ]] && pass || fail "w1: a CONNECT to another host went through the proxy"
got=$(hosts_ssh w1 "curl -s -o /dev/null -m 10 -w '%{http_code}' http://example.invalid/") || true
[[ $got == 403 ]] && pass || fail "w1: plain HTTP to another host gives '$got', not 403"

# Firewall rules inside a host are the host's own.
hosts_ssh w1 'iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 80 -j REDIRECT --to-ports 8080 &&
  ip6tables -A INPUT -p tcp --dport 9 -j DROP && nft add table inet e2e &&
  echo 1 >/proc/sys/net/ipv4/ip_forward' && pass || fail "w1: adding firewall rules inside the host"
got=$(hosts_ssh w1 'iptables -t nat -S PREROUTING') || got=""
[[ $got == *"--dport 80 -j REDIRECT --to-ports 8080"* ]] && pass || fail "w1: nat rules: $got"
got=$(curl -s -m 5 --noproxy '*' "http://${HOSTS_ADDRESS[w1]}/hostname") || got="refused"
[[ $got != w1 ]] && pass || fail "w1: the REDIRECT inside the host did not apply"
got=$(curl -s -m 5 --noproxy '*' "http://${HOSTS_ADDRESS[w2]}/hostname") || got="curl failed"
[[ $got == w2 ]] && pass || fail "w2 is affected by w1's rules: '$got'"
after=$(machine_network)
[[ $after == "$before" ]] && pass ||
  fail "this machine's firewall changed: $(diff <(echo "$before") <(echo "$after"))"

# Teardown: the run's namespaces and links are gone; with no netns host
# left on the machine, the bridge and the proxy too.
addresses=("${HOSTS_ADDRESS[@]}")
hosts_stop && pass || fail "hosts_stop"
for address in "${addresses[@]}"; do
  [[ ! -e /run/netns/drover-$address ]] && pass || fail "namespace of $address left"
  link=${address#10.213.}
  ! ip link show "dv${link/./-}" >/dev/null 2>&1 && pass || fail "link of $address left"
done
if ! compgen -G '/run/netns/drover-*' >/dev/null; then
  ! ip link show drover0 >/dev/null 2>&1 && pass || fail "bridge drover0 left"
  [[ -z $(ss -Hltn 'sport = :3142') ]] && pass || fail "the proxy still listens"
fi
after=$(machine_network)
[[ $after == "$before" ]] && pass || fail "this machine's firewall changed after teardown"

echo "vm_netns_test: $passed passed, $failed failed"
((failed == 0))
