#!/usr/bin/env bash
# make demo: the reference deployment (playbooks/site.yml) on the local VM,
# with drover, twice (the second run must change nothing), then the same
# playbook with ansible-playbook on the same host: it must find nothing to
# change either (drover left the host exactly as Ansible would), and the
# timings give the speed ratio.
# Leaves the VM running; `make vm-down env=vagrant` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
env=${1:-vagrant}
inv=environments/$env/hosts
drover=build/drover

make --no-print-directory vm env="$env"
step() { printf '\n==> %s\n' "$*"; }
elapsed() { python3 -c 'import sys,time; print("%.2f" % (time.time()-float(sys.argv[1])))' "$1"; }

step "drover: first run (provisions)"
t0=$(python3 -c 'import time; print(time.time())')
"$drover" playbook -i "$inv" playbooks/site.yml
first=$(elapsed "$t0")

step "drover: second run (must change nothing)"
t0=$(python3 -c 'import time; print(time.time())')
"$drover" playbook -i "$inv" playbooks/site.yml | tee /tmp/drover-demo-second.txt
second=$(elapsed "$t0")
if ! grep -Eq ' changed=0 ' /tmp/drover-demo-second.txt; then
  echo "demo: the second run changed something; the deployment is not idempotent" >&2
  exit 1
fi

step "ansible-playbook: the same playbook on the same host"
t0=$(python3 -c 'import time; print(time.time())')
HOME=${TMPDIR:-/tmp}/drover-demo-ansible-home ANSIBLE_NOCOLOR=1 \
  ansible-playbook -i "$inv" playbooks/site.yml >/tmp/drover-demo-ansible.txt 2>&1 || {
  cat /tmp/drover-demo-ansible.txt
  echo "demo: ansible-playbook failed (see above)" >&2
  exit 1
}
ansible=$(elapsed "$t0")
tail -3 /tmp/drover-demo-ansible.txt
if ! grep -Eq ' changed=0 ' /tmp/drover-demo-ansible.txt; then
  echo "demo: ansible-playbook found something to change after drover's run" >&2
  exit 1
fi

step "timing (same machine, same host, unchanged run)"
printf 'drover first run:   %ss\ndrover second run:  %ss\nansible-playbook:   %ss\nratio (ansible / drover, unchanged run): %s\n' \
  "$first" "$second" "$ansible" "$(python3 -c "print('%.1fx' % ($ansible / $second))")"
echo
echo "The VM keeps running: make vm-ssh env=$env, make vm-down env=$env."
