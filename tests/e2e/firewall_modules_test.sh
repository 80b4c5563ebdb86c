#!/usr/bin/env bash
# e2e: drover's firewall modules (iptables, ufw) ONLY on hosts with a network
# of their own (tests/hosts/hosts.sh ":netns"): never on this machine, whose
# `nft list ruleset` / `iptables -S` (read only) must be unchanged at the end.
#   - hosts without iptables/ufw: the tasks fail naming what is missing
#   - become_method by FQCN runs; doas is refused before any host is touched
#   - run 1 changes every task (the letsencrypt/container REDIRECTs of tcp
#     80 -> 8080 and 443 -> 8443 on the primary interface, nat PREROUTING,
#     ipv4 and ipv6, with their comments; an insert with ctstate; a policy;
#     ufw app profile, ports, from/to, comment, interface, default policy,
#     logging, enable); run 2 changes nothing; after drift --check reports
#     it and changes nothing; run 3 restores it; the host's state is read
#     with `iptables -t nat -S`, `ip6tables -t nat -S`, `ufw status verbose`
#   - persistence (after ufw is purged: Debian's ufw Breaks
#     iptables-persistent): netfilter-persistent save writes
#     /etc/iptables/rules.v4 with the rules, `netfilter-persistent reload`
#     restores them
#   - differential: ansible-playbook on the twin netns host with python3
#     gives the same recap counts and the same registered results, key by key
# The "bare" host boots without python3; installing ufw (a Python program)
# brings python3 back, drover still does not use it.
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
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False

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
}
recap() { grep -E "^$1 +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }
changed_is() { grep -qE "^$1 +: ok=[0-9]+ +changed=$2 " "$S/out"; }

# --- a host without the tools: clear failures naming them and the host
cat >"$P/missing.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - iptables: {chain: INPUT, policy: ACCEPT}
      ignore_errors: true
    - community.general.ufw: {state: enabled}
EOF
play drover bare missing.yml
check "iptables missing: named with the host" grep -qE "\[bare\].*'iptables' is missing on this host" "$S/out"
check "ufw missing: named with the host" grep -qE "\[bare\].*'ufw' is missing on this host" "$S/out"

# --- become_method: FQCN accepted; doas refused before any host
cat >"$P/become.yml" <<'EOF'
- hosts: all
  gather_facts: false
  become: true
  become_method: ansible.builtin.sudo
  tasks:
    - command: id -u
      become_method: ansible.builtin.su
EOF
play drover bare become.yml
check "become_method ansible.builtin.sudo/su runs (rc=$rc)" test "$rc" -eq 0
sed -i 's/become_method: ansible.builtin.su$/become_method: doas/' "$P/become.yml"
play drover bare become.yml
check "become_method doas refused (rc=$rc)" test "$rc" -ne 0
check "  ... clearly, naming the file" grep -qE "become.yml:.*become_method 'doas' is not supported" "$S/out"
check "  ... before any host is contacted" bash -c "! grep -q 'TASK \[' '$S/out'"

# --- the tools, through the netns proxy
for h in bare py; do
  hosts_ssh "$h" 'export DEBIAN_FRONTEND=noninteractive
    echo "iptables-persistent iptables-persistent/autosave_v4 boolean false" | debconf-set-selections
    echo "iptables-persistent iptables-persistent/autosave_v6 boolean false" | debconf-set-selections
    apt-get update -q >/tmp/apt.log 2>&1 && apt-get install -y -q --no-install-recommends \
      iptables ufw >>/tmp/apt.log 2>&1 || { tail /tmp/apt.log; exit 1; }' ||
    check "$h: installing iptables and ufw" false
done

cat >"$P/site.yml" <<'EOF'
- hosts: all
  tasks:
    - name: letsencrypt renewals reach the container (ipv4)
      iptables:
        table: nat
        chain: PREROUTING
        in_interface: "{{ ansible_default_ipv4.interface }}"
        protocol: tcp
        match: tcp
        destination_port: "80"
        jump: REDIRECT
        to_ports: "8080"
        comment: 900 enable letsencrypt renewals on ipv4
      register: r_ipt_80
    - name: HTTPS reaches the container (ipv4)
      ansible.builtin.iptables:
        table: nat
        chain: PREROUTING
        in_interface: "{{ ansible_default_ipv4.interface }}"
        protocol: tcp
        match: tcp
        destination_port: "443"
        jump: REDIRECT
        to_ports: "8443"
        comment: 901 redirect HTTPS to container on ipv4
      register: r_ipt_443
    - name: letsencrypt renewals reach the container (ipv6)
      iptables:
        ip_version: ipv6
        table: nat
        chain: PREROUTING
        in_interface: "{{ ansible_default_ipv4.interface }}"
        protocol: tcp
        match: tcp
        destination_port: "80"
        jump: REDIRECT
        to_ports: "8080"
        comment: 900 enable letsencrypt renewals on ipv6
      register: r_ipt6_80
    - name: HTTPS reaches the container (ipv6)
      iptables:
        ip_version: ipv6
        table: nat
        chain: PREROUTING
        in_interface: "{{ ansible_default_ipv4.interface }}"
        protocol: tcp
        match: tcp
        destination_port: "443"
        jump: REDIRECT
        to_ports: "8443"
        comment: 901 redirect HTTPS to container on ipv6
      register: r_ipt6_443
    - name: an inserted rule with a conntrack state
      iptables:
        table: mangle
        chain: PREROUTING
        action: insert
        protocol: tcp
        destination_port: "9999"
        ctstate: [NEW]
        jump: ACCEPT
        comment: drover e2e
      register: r_ipt_insert
    - name: a chain policy
      iptables: {chain: FORWARD, policy: DROP}
      register: r_ipt_policy
    - name: ssh stays open
      community.general.ufw: {rule: allow, name: OpenSSH}
      register: r_ufw_ssh
    - name: http
      ufw: {rule: allow, port: "80", proto: tcp}
      register: r_ufw_http
    - name: https, with a comment
      ufw: {rule: allow, port: "443", proto: tcp, comment: https from anywhere}
      register: r_ufw_https
    - name: a source denied to a port
      ufw: {rule: deny, from_ip: 10.213.99.99, to_ip: any, port: "5432", proto: tcp}
      register: r_ufw_from
    - name: on an interface
      ufw: {rule: allow, direction: in, interface: eth0, port: "8080", proto: tcp}
      register: r_ufw_if
    - name: the default policy
      ufw: {default: deny, direction: incoming}
      register: r_ufw_default
    - name: logging
      ufw: {logging: low}
      register: r_ufw_logging
    - name: enabled
      ufw: {state: enabled}
      register: r_ufw_enabled
    - name: the results, for the differential comparison
      copy:
        content: "{{ {'ipt_80': r_ipt_80, 'ipt_443': r_ipt_443, 'ipt6_80': r_ipt6_80, 'ipt6_443': r_ipt6_443, 'ipt_insert': r_ipt_insert, 'ipt_policy': r_ipt_policy, 'ufw_ssh': r_ufw_ssh, 'ufw_http': r_ufw_http, 'ufw_https': r_ufw_https, 'ufw_from': r_ufw_from, 'ufw_if': r_ufw_if, 'ufw_default': r_ufw_default, 'ufw_logging': r_ufw_logging, 'ufw_enabled': r_ufw_enabled} | to_json }}"
        dest: /root/results.json
      when: dump is defined
EOF
# shellcheck disable=SC2016 # expanded on the host
state_of() {
  hosts_ssh "$1" 'iptables -t nat -S PREROUTING; ip6tables -t nat -S PREROUTING
    iptables -t mangle -S PREROUTING; iptables -S FORWARD | head -n 1
    ufw status verbose'
}
WANT_NAT='-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -m comment --comment "900 enable letsencrypt renewals on ipv4" -j REDIRECT --to-ports 8080
-A PREROUTING -i eth0 -p tcp -m tcp --dport 443 -m comment --comment "901 redirect HTTPS to container on ipv4" -j REDIRECT --to-ports 8443'

# --- run 1: everything changes
play drover bare site.yml -e dump=1
[[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every task but the default policy (deny already) changed ($(recap bare))" changed_is bare 14
hosts_ssh bare cat /root/results.json >"$S/drover.json" || true
drover_recap1=$(recap bare)
got=$(state_of bare || true)
check "nat PREROUTING (ipv4) has both REDIRECTs with their comments" \
  grep -qF -- "$WANT_NAT" <<<"$got"
check "nat PREROUTING (ipv6) has both REDIRECTs" \
  grep -qF -- '--comment "901 redirect HTTPS to container on ipv6" -j REDIRECT --to-ports 8443' <<<"$got"
check "mangle insert with conntrack" grep -qF -- '-A PREROUTING -p tcp -m tcp --dport 9999 -m conntrack --ctstate NEW -m comment --comment "drover e2e" -j ACCEPT' <<<"$got"
check "FORWARD policy DROP" grep -qxF -- '-P FORWARD DROP' <<<"$got"
check "ufw active" grep -qx 'Status: active' <<<"$got"
check "ufw logging low" grep -qx 'Logging: on (low)' <<<"$got"
check "ufw default deny incoming" grep -q '^Default: deny (incoming)' <<<"$got"
check "ufw rules: OpenSSH, 80, 443 (comment), from, on eth0" bash -c '
  grep -qE "^22/tcp \(OpenSSH\) +ALLOW IN +Anywhere" <<<"$1" && grep -qE "^80/tcp +ALLOW IN +Anywhere" <<<"$1" &&
  grep -qE "^443/tcp +ALLOW IN +Anywhere +# https from anywhere" <<<"$1" &&
  grep -qE "^5432/tcp +DENY IN +10.213.99.99" <<<"$1" && grep -qE "^8080/tcp on eth0 +ALLOW IN" <<<"$1"' _ "$got"
[[ $failed -eq 0 ]] || echo "$got" >&2
check "the host is still reachable over ssh after ufw enable" hosts_ssh bare true

# --- run 2: nothing changes
play drover bare site.yml
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
same_without_batching play drover bare site.yml
check "drover run 2: changed=0 ($(recap bare))" changed_is bare 0
drover_recap2=$(recap bare)

# --- drift; --check reports it and changes nothing
hosts_ssh bare 'set -e; iptables -t nat -F PREROUTING; iptables -P FORWARD ACCEPT
  ufw delete allow 80/tcp >/dev/null; ufw logging medium >/dev/null' || check "drifting bare" false
drifted=$(state_of bare || true)
play drover bare site.yml --check
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
check "drover --check: 2 nat rules, policy, http, logging would change ($(recap bare))" changed_is bare 5
check "drover --check changed nothing" test "$(state_of bare || true)" = "$drifted"

# --- run 3 restores
play drover bare site.yml
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap bare))" changed_is bare 5
check "nat rules restored" grep -qF -- "$WANT_NAT" <<<"$(state_of bare || true)"

# --- differential: ansible-playbook on the twin with python3
play ansible py site.yml -e dump=1
[[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible_recap1=$(recap py)
check "run 1 recap: drover '$drover_recap1', ansible '$ansible_recap1'" test "$drover_recap1" = "$ansible_recap1"
hosts_ssh py cat /root/results.json >"$S/ansible.json" || true
play ansible py site.yml
ansible_recap2=$(recap py)
check "run 2 recap: drover '$drover_recap2', ansible '$ansible_recap2'" test "$drover_recap2" = "$ansible_recap2"
# (sorted: run 3 appended the re-added rule at the end on bare)
check "the hosts' states agree" test "$(state_of bare | grep -v '^-P FORWARD' | sort || true)" = \
  "$(state_of py | grep -v '^-P FORWARD' | sort || true)"
compare_results() {
  /usr/bin/python3 - "$S/ansible.json" "$S/drover.json" <<'PY'
import json, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"invocation"}
bad = 0
for task, ar in a.items():
    dr = d.get(task, {})
    for k in sorted(set(ar) | set(dr)):
        if k in skip:
            continue
        if ar.get(k, "<absent>") != dr.get(k, "<absent>"):
            print(f"{task}.{k}: ansible {ar.get(k, '<absent>')!r} drover {dr.get(k, '<absent>')!r}", file=sys.stderr)
            bad += 1
print(f"compared {sum(len(r) for r in a.values())} keys", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "registered results equal key by key" compare_results

# --- persistence (netfilter-persistent, iptables-persistent package)
# Debian's ufw Breaks iptables-persistent: the recipe is for hosts without ufw.
hosts_ssh bare 'export DEBIAN_FRONTEND=noninteractive; apt-get purge -y -q ufw >/tmp/apt.log 2>&1 &&
  apt-get install -y -q --no-install-recommends iptables-persistent >>/tmp/apt.log 2>&1 ||
  { tail /tmp/apt.log; exit 1; }' || check "bare: ufw replaced by iptables-persistent" false
hosts_ssh bare 'netfilter-persistent save >/dev/null 2>&1 && iptables -t nat -F PREROUTING &&
  netfilter-persistent reload >/dev/null 2>&1' || check "netfilter-persistent save/reload" false
rules_v4=$(hosts_ssh bare cat /etc/iptables/rules.v4 || true)
check "rules.v4 holds the REDIRECTs" grep -qF '900 enable letsencrypt renewals on ipv4' <<<"$rules_v4"
check "netfilter-persistent reload restored them" grep -qF -- "$WANT_NAT" <<<"$(state_of bare || true)"

check "this machine's firewall is unchanged" test "$(machine_firewall)" = "$machine_before"

echo "firewall_modules_test: $passed passed, $failed failed"
((failed == 0))
