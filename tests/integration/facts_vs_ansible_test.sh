#!/usr/bin/env bash
# Differential: the facts of `drover adhoc -m setup` (a POSIX sh script, no
# Python) against `ansible -m setup` on the same machine, once through the
# local connection and once through the same private sshd. Values must be
# equal for the facts playbooks use; date_time is compared by keys only.
source "$(dirname "$0")/sshd_lib.sh"
command -v ansible >/dev/null || { echo "SKIP: ansible not installed"; exit 0; }
sshd_setup
sshd_start a
P=${SSHD_PORT[a]}
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False

compare() {  # label ansible-output drover-output
  python3 - "$@" <<'PY'
import json, sys
label, a_path, d_path = sys.argv[1:]
def facts(path):
    text = open(path).read()
    return json.loads(text[text.index("{"):])["ansible_facts"]
a, d = facts(a_path), facts(d_path)
keys = """hostname fqdn nodename domain distribution distribution_release distribution_version
distribution_major_version os_family system kernel kernel_version architecture machine
user_id user_uid user_gid user_dir user_shell memtotal_mb swaptotal_mb processor_vcpus
processor_cores processor_count processor_threads_per_core default_ipv4 all_ipv4_addresses
pkg_mgr service_mgr lsb""".split()
bad = 0
for k in ["ansible_" + k for k in keys]:
    if k not in a:
        continue  # ansible does not report it on this machine
    if a[k] != d.get(k, "<absent>"):
        bad += 1
        print(f"{label}: {k}: ansible {a[k]!r} drover {d.get(k, '<absent>')!r}", file=sys.stderr)
if set(a["ansible_date_time"]) != set(d.get("ansible_date_time", {})):
    bad += 1
    print(f"{label}: date_time keys differ", file=sys.stderr)
if a["ansible_env"].get("HOME") != d.get("ansible_env", {}).get("HOME"):
    bad += 1
    print(f"{label}: env HOME differs", file=sys.stderr)
print(f"{label}: {len(keys) + 2 - bad} facts equal, {bad} differ")
sys.exit(1 if bad else 0)
PY
}

ansible localhost -c local -m setup >"$T/a_local" 2>"$T/a_local.err"
"$DROVER" adhoc localhost -i 'unused,' -m setup >"$T/d_local"
check "local facts match ansible" compare local "$T/a_local" "$T/d_local"

ssh_args="-o UserKnownHostsFile=$T/known_hosts"
ansible all -i "127.0.0.1," -e "ansible_port=$P" -u root --private-key "$T/id_ed25519" \
  --ssh-common-args="$ssh_args" -m setup >"$T/a_ssh" 2>"$T/a_ssh.err" || { cat "$T/a_ssh" "$T/a_ssh.err"; }
"$DROVER" adhoc all -i "127.0.0.1:$P," -u root --private-key "$T/id_ed25519" \
  --ssh-common-args "$ssh_args" -m setup >"$T/d_ssh"
check "ssh facts match ansible" compare ssh "$T/a_ssh" "$T/d_ssh"
finish
