#!/usr/bin/python3
"""compare_facts.py LABEL ANSIBLE_OUTPUT DROVER_OUTPUT: the facts playbooks use,
from `ansible -m setup` and `drover adhoc -m setup` output files, must be
equal (date_time by keys, env by HOME). Prints "N facts equal, M differ";
exits 1 when any differ."""
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
    got = d.get(k, "<absent>")
    # Debian's minor version: Ansible reports /etc/debian_version ("12.11")
    # when the host's python has python3-distro 1.8, else os-release's "12";
    # drover always reports the precise one.
    if k == "ansible_distribution_version" and isinstance(got, str) and got.startswith(a[k] + "."):
        continue
    if a[k] != got:
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
