#!/usr/bin/env bash
# e2e: the community.crypto modules (openssl_privatekey, openssl_csr,
# x509_certificate by its routed short name openssl_certificate, selfsigned
# and ownca, openssl_dhparam, openssh_keypair) on a real Debian host with
# only its own openssl and ssh-keygen:
#   run 1 changes every task (keys, a CA from a CSR, a server certificate
#   it signs, self-signed ones, DH parameters, SSH key pairs); run 2
#   changes nothing; the host drifts (a key of another size, a CSR with
#   another CN, a missing .pub, a dhparam file gone); --check reports exactly the drifted tasks and changes nothing;
#   run 3 restores. Host state is read with `openssl pkey -text`, `openssl
#   x509 -noout -subject`, `openssl req`, `openssl dhparam` and `ssh-keygen
#   -l`. The private key passphrase is on no host command line (a `ps`
#   sampler runs during run 1), nor in drover's output (-v) or --json-log.
# Differential: ansible-playbook (with Debian's python3-cryptography) runs
# the same playbook on a twin host; the recaps and the registered results
# match key by key (values that are random by nature, such as fingerprints
# and serial numbers, by type).
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never
# skips) without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
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

DROVER=${DROVER:-$PWD/build/drover}
hosts_start dr py
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False
KEY_PW="key-pw-$RANDOM$RANDOM-not-on-argv"

# The twin's python3-cryptography (Ansible's modules need it), installed
# while drover runs on the other host.
hosts_ssh py 'export DEBIAN_FRONTEND=noninteractive; apt-get update -q >/dev/null &&
  apt-get install -y -q --no-install-recommends python3-cryptography >/tmp/apt.log 2>&1 || { tail /tmp/apt.log; exit 1; }' \
  >"$S/prepare-py.log" 2>&1 &
prepare_pid=$!

cat >"$P/vars.yml" <<EOF
key_pw: "$KEY_PW"
EOF
cat >"$P/site.yml" <<'EOF'
- hosts: all
  gather_facts: false
  vars_files: [vars.yml]
  vars:
    d: /etc/e2e-tls
  tasks:
    - name: the directory
      file: {path: "{{ d }}", state: directory, mode: "0755"}
    - name: an RSA key
      openssl_privatekey: {path: "{{ d }}/server.key", size: 2048}
      register: r_key
    - name: an encrypted EC key
      community.crypto.openssl_privatekey:
        path: "{{ d }}/ca.key"
        type: ECC
        curve: secp384r1
        passphrase: "{{ key_pw }}"
        cipher: auto
        mode: "0640"
      register: r_ca_key
    - name: an Ed25519 key in PKCS#8
      openssl_privatekey: {path: "{{ d }}/ed.key", type: Ed25519, return_content: true}
      register: r_ed_key
    - name: a self-signed certificate without a CSR
      openssl_certificate: {path: "{{ d }}/plain.crt", privatekey_path: "{{ d }}/server.key", provider: selfsigned}
      register: r_plain_cert
    - name: a self-signed certificate with the encrypted key, 30 days
      openssl_certificate:
        path: "{{ d }}/ec.crt"
        privatekey_path: "{{ d }}/ca.key"
        privatekey_passphrase: "{{ key_pw }}"
        provider: selfsigned
        selfsigned_not_after: "+30d"
      register: r_ec_cert
    - name: the CA's CSR
      openssl_csr:
        path: "{{ d }}/ca.csr"
        privatekey_path: "{{ d }}/ca.key"
        privatekey_passphrase: "{{ key_pw }}"
        common_name: E2E CA
        use_common_name_for_san: false
        basic_constraints: ["CA:TRUE"]
        basic_constraints_critical: true
        key_usage: [keyCertSign, cRLSign]
        key_usage_critical: true
        create_subject_key_identifier: true
      register: r_ca_csr
    - name: the CA's self-signed certificate
      openssl_certificate:
        path: "{{ d }}/ca.crt"
        csr_path: "{{ d }}/ca.csr"
        privatekey_path: "{{ d }}/ca.key"
        privatekey_passphrase: "{{ key_pw }}"
        provider: selfsigned
      register: r_ca_cert
    - name: the server's CSR
      community.crypto.openssl_csr:
        path: "{{ d }}/server.csr"
        privatekey_path: "{{ d }}/server.key"
        common_name: www.e2e.test
        organization_name: Drover E2E
        subject: {L: Testtown}
        subject_alt_name: ["DNS:www.e2e.test", "DNS:e2e.test", "IP:127.0.0.1"]
        key_usage: [digitalSignature, keyEncipherment]
        extended_key_usage: [serverAuth]
      register: r_csr
    - name: the server's certificate from the CA
      openssl_certificate:
        path: "{{ d }}/server.crt"
        csr_path: "{{ d }}/server.csr"
        provider: ownca
        ownca_path: "{{ d }}/ca.crt"
        ownca_privatekey_path: "{{ d }}/ca.key"
        ownca_privatekey_passphrase: "{{ key_pw }}"
        ownca_not_after: "+90d"
      register: r_cert
    - name: DH parameters
      openssl_dhparam: {path: "{{ d }}/dh.pem", size: 512}
      register: r_dh
    - name: an SSH key pair
      openssh_keypair: {path: "{{ d }}/id_rsa", size: 2048, comment: "deploy@e2e"}
      register: r_ssh
    - name: an Ed25519 SSH key pair
      community.crypto.openssh_keypair: {path: "{{ d }}/id_ed25519", type: ed25519}
      register: r_ssh_ed
    - name: the results, for the differential comparison
      copy:
        content: "{{ {'key': r_key, 'ca_key': r_ca_key, 'ed_key': r_ed_key, 'plain_cert': r_plain_cert,
                      'ec_cert': r_ec_cert, 'ca_csr': r_ca_csr, 'ca_cert': r_ca_cert, 'csr': r_csr, 'cert': r_cert,
                      'dh': r_dh, 'ssh': r_ssh, 'ssh_ed': r_ssh_ed} | to_json }}"
        dest: /root/results.json
      when: dump is defined
EOF
cp "$HOSTS_INVENTORY" "$P/hosts"

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
  [[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
}
recap() { grep -E "^$1 +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }
changed_is() { grep -qE "^$1 +: ok=[0-9]+ +changed=$2 " "$S/out"; }
on_dr() { hosts_ssh dr "$@"; }
sampler_start() {
  on_dr 'rm -f /root/ps.log; nohup sh -c "while [ ! -e /root/ps.stop ]; do ps -eo args >>/root/ps.log; sleep 0.05; done; rm /root/ps.stop" >/dev/null 2>&1 &'
}
sampler_stop() { on_dr 'touch /root/ps.stop; while [ -e /root/ps.stop ]; do sleep 0.1; done'; }
# shellcheck disable=SC2016 # expanded on the host
state_of_dr() {
  on_dr 'cd /etc/e2e-tls || exit 1
    openssl pkey -in server.key -noout -text | head -n 1
    head -n 1 server.key; head -n 2 ca.key | tail -n 1; head -n 1 ed.key
    openssl pkey -in ed.key -noout -text | head -n 1
    openssl x509 -in plain.crt -noout -subject -issuer
    [ "$(openssl x509 -in plain.crt -noout -pubkey)" = "$(openssl pkey -in server.key -pubout)" ] && echo plain.crt has server.key
    openssl x509 -in ec.crt -noout -text | grep -E "Public-Key|NIST CURVE|ASN1 OID"
    openssl req -in server.csr -noout -subject
    openssl x509 -in server.crt -noout -subject -issuer -ext subjectAltName,keyUsage,extendedKeyUsage
    openssl verify -CAfile ca.crt server.crt
    openssl x509 -in ca.crt -noout -subject -ext basicConstraints
    openssl dhparam -in dh.pem -noout -text | head -n 1
    ssh-keygen -l -f id_rsa | awk "{ print \$1, \$3, \$4 }"; ssh-keygen -l -f id_ed25519 | awk "{ print \$1, \$NF }"
    cut -d" " -f3 id_rsa.pub
    stat -c "%n %a" server.key ca.key ed.key plain.crt ec.crt server.csr server.crt dh.pem id_rsa id_rsa.pub id_ed25519'
}
WANT_STATE="Private-Key: (2048 bit, 2 primes)
-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
-----BEGIN PRIVATE KEY-----
ED25519 Private-Key:
subject=
issuer=
plain.crt has server.key
                Public-Key: (384 bit)
                ASN1 OID: secp384r1
                NIST CURVE: P-384
subject=O = Drover E2E, CN = www.e2e.test, L = Testtown
subject=O = Drover E2E, CN = www.e2e.test, L = Testtown
issuer=CN = E2E CA
X509v3 Subject Alternative Name: 
    DNS:www.e2e.test, DNS:e2e.test, IP Address:127.0.0.1
X509v3 Key Usage: 
    Digital Signature, Key Encipherment
X509v3 Extended Key Usage: 
    TLS Web Server Authentication
server.crt: OK
subject=CN = E2E CA
X509v3 Basic Constraints: critical
    CA:TRUE
    DH Parameters: (512 bit)
2048 deploy@e2e (RSA)
256 (ED25519)
deploy@e2e
server.key 600
ca.key 640
ed.key 600
plain.crt 644
ec.crt 644
server.csr 644
server.crt 644
dh.pem 644
id_rsa 600
id_rsa.pub 644
id_ed25519 600"
# The files' digests: --check must leave them as they are.
digests() { on_dr 'cd /etc/e2e-tls && ls -A | sort && cat ./* 2>/dev/null | sha256sum'; }

# --- run 1: everything changes (ps sampled on the host, -v, --json-log)
sampler_start
play drover dr site.yml -e dump=1 -v --json-log "$S/run1.json"
sampler_stop
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every task changed ($(recap dr))" changed_is dr 14
drover_recap1=$(recap dr)
got=$(state_of_dr || true)
check "host state after run 1" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
on_dr cat /root/results.json >"$S/drover.json" || true
check "openssl ran during run 1 (the sampler saw it)" on_dr 'grep -q "^openssl " /root/ps.log'
check "the passphrase is on no host command line" on_dr "! grep -qF -- '$KEY_PW' /root/ps.log"
check "the passphrase is not in drover's output nor its JSON log" \
  bash -c "! grep -qF -- '$KEY_PW' '$S/out' '$S/run1.json'"
ed_key_line=$(on_dr 'sed -n 2p /etc/e2e-tls/ed.key')
check "the returned private key is not in drover's output" bash -c "! grep -qF -- '$ed_key_line' '$S/out' '$S/run1.json'"
check "no temporary file left next to the keys" on_dr '! ls -A /etc/e2e-tls | grep -q drover'

# --- run 2: nothing changes
play drover dr site.yml
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
same_without_batching play drover dr site.yml
check "drover run 2: nothing changed ($(recap dr))" changed_is dr 0
drover_recap2=$(recap dr)

# --- the host drifts; --check reports it and changes nothing
on_dr 'set -e; cd /etc/e2e-tls
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out server.key 2>/dev/null
  openssl req -new -key server.key -subj "/O=Drover E2E/CN=old.e2e.test/L=Testtown" -out server.csr 2>/dev/null
  rm -f id_rsa.pub dh.pem' || check "drifting the host by hand" false
before=$(digests)
play drover dr site.yml --check
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
# the RSA key (size), its plain certificate (the key), the server's CSR
# (CN, SANs, usages), its certificate (the CSR), DH params, the .pub
check "drover --check: the drifted tasks would change ($(recap dr))" changed_is dr 6
check "drover --check changed nothing on the host" test "$(digests)" = "$before"

# --- run 3 restores
play drover dr site.yml
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the drifted tasks changed ($(recap dr))" changed_is dr 6
got=$(state_of_dr || true)
check "host state after run 3" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true

# --- differential: ansible-playbook on the twin host
wait "$prepare_pid" || check "py: installing python3-cryptography ($(cat "$S/prepare-py.log"))" false
play ansible py site.yml -e dump=1
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible_recap1=$(recap py)
check "run 1 recap: drover '$drover_recap1', ansible '$ansible_recap1'" \
  test "$drover_recap1" = "$ansible_recap1"
hosts_ssh py cat /root/results.json >"$S/ansible.json" || true
play ansible py site.yml
ansible_recap2=$(recap py)
check "run 2 recap: drover '$drover_recap2', ansible '$ansible_recap2'" \
  test "$drover_recap2" = "$ansible_recap2"
compare_results() { # ansible.json drover.json
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, re, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
skip = {"invocation", "ansible_facts", "diff"}
# Random by nature: compared by type (and, for dicts, by their keys).
by_type = {"fingerprint", "serial_number", "notBefore", "notAfter", "public_key", "privatekey"}
def shape(v):
    if isinstance(v, dict):
        return sorted(v)
    if isinstance(v, str) and re.fullmatch(r"\d{14}Z", v):
        return "asn1-time"
    return type(v).__name__
bad = 0
for task, ar in a.items():
    dr = d.get(task, {})
    for k, v in ar.items():
        if k in skip:
            continue
        dv = dr.get(k)
        if k in by_type:
            v, dv = shape(v), shape(dv)
        if k not in dr:
            print(f"{task}.{k}: missing in drover (ansible {v!r})", file=sys.stderr); bad += 1
        elif dv != v:
            print(f"{task}.{k}: ansible {v!r} drover {dv!r}", file=sys.stderr); bad += 1
    for k in dr:
        if k not in ar and k not in skip:
            print(f"{task}.{k}: only in drover ({dr[k]!r})", file=sys.stderr); bad += 1
print(f"compared {sum(len(r) for r in a.values())} keys", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "registered results match ansible-playbook's key by key" \
  compare_results "$S/ansible.json" "$S/drover.json"

hosts_stop || check "hosts_stop reported leftovers" false
echo "$passed passed, $failed failed"
((failed == 0))
