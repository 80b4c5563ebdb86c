#!/usr/bin/env bash
# Usage: tools/demo.sh [ENV]   (make demo)
# The main job on the local VM of ENV (default vagrant), without a question:
# boots the VM (and what it needs from this machine: tools/localenv/),
# provisions and deploys with drover (make provision, make deploy), runs
# both again (each must change nothing), curls the app through nginx over
# http and https (verified against the local ACME server's roots), then runs
# the same unchanged provision and deploy with ansible-playbook (it must
# find nothing to change either) and prints the timings side by side.
# Leaves the VM running; `make vm-down env=ENV` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
env=${1:-vagrant}
out=.vm/demo
mkdir -p "$out"

step() { printf '\n==> %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
fail() { echo "demo: $*" >&2; exit 1; }
changed_zero() { # every host's recap line of FILE says changed=0
  grep -E '^[^ ].* : ok=' "$1" >"$1.recap" || return 1
  ! grep -vE ' changed=0 ' "$1.recap" | grep -q .
}

# make TARGET under drover; OUT gets its output; prints the seconds it took.
drover_run() {
  local target=$1 file=$2 t
  t=$(now)
  make --no-print-directory "$target" env="$env" >"$file" 2>&1 || {
    cat "$file" >&2
    fail "make $target env=$env failed (above)"
  }
  since "$t"
}

# The same with ansible-playbook (make TARGET PLAYBOOK=ansible-playbook).
ansible_run() {
  local target=$1 file=$2 t
  t=$(now)
  HOME=$PWD/.vm/ansible-home ANSIBLE_NOCOLOR=1 make --no-print-directory "$target" env="$env" \
    PLAYBOOK=ansible-playbook >"$file" 2>&1 || {
    cat "$file" >&2
    fail "make $target PLAYBOOK=ansible-playbook failed (above)"
  }
  since "$t"
}

step "local VM (make vm env=$env)"
make --no-print-directory vm env="$env"

step "provision and deploy with drover (make provision, make deploy)"
drover_run provision "$out/provision.txt" >/dev/null
grep -E ' : ok=' "$out/provision.txt"
drover_run deploy "$out/deploy.txt" >/dev/null
grep -E ' : ok=' "$out/deploy.txt"

step "the same again: nothing must change"
drover_provision=$(drover_run provision "$out/provision-again.txt")
drover_deploy=$(drover_run deploy "$out/deploy-again.txt")
for f in provision-again deploy-again; do
  grep -E ' : ok=' "$out/$f.txt"
  changed_zero "$out/$f.txt" || fail "make ${f%-again} changed something on its second run ($out/$f.txt)"
done

read -r _ address < <(tools/vm/inventory-hosts.sh "environments/$env/hosts" 2>/dev/null)
domain=$(awk '$1 == "app_domain:" { print $2 }' "environments/$env/group_vars/all/main.yml")
resolve=(--resolve "$domain:80:$address" --resolve "$domain:443:$address")
cacert=.vm/pebble/roots.pem

step "the app: https://$domain/ (this machine reaches $domain at $address)"
echo "\$ curl -sI http://$domain/"
curl -sS -I "${resolve[@]}" "http://$domain/" | grep -E '^(HTTP|Location)' || fail "no answer over http"
echo "\$ curl --cacert $cacert https://$domain/api/health"
health=$(curl -sS -f "${resolve[@]}" --cacert "$cacert" -w '\n%{http_code}' "https://$domain/api/health") ||
  fail "https://$domain/api/health did not answer 200 (certificate verified against $cacert)"
echo "${health%$'\n'*}" | python3 -m json.tool
echo "HTTP ${health##*$'\n'}"

step "ansible-playbook: the same unchanged provision and deploy"
ansible_provision=$(ansible_run provision "$out/ansible-provision.txt")
ansible_deploy=$(ansible_run deploy "$out/ansible-deploy.txt")
for f in ansible-provision ansible-deploy; do
  grep -E ' : ok=' "$out/$f.txt"
  changed_zero "$out/$f.txt" || fail "ansible-playbook found something to change after drover ($out/$f.txt)"
done

step "timings: the unchanged provision + deploy on the same VM"
awk -v dp="$drover_provision" -v dd="$drover_deploy" -v ap="$ansible_provision" -v ad="$ansible_deploy" 'BEGIN {
  printf "%-26s %10s %18s\n", "", "drover", "ansible-playbook"
  printf "%-26s %9.1fs %17.1fs\n", "provision (-t provision)", dp, ap
  printf "%-26s %9.1fs %17.1fs\n", "deploy (-t deploy)", dd, ad
  printf "%-26s %9.1fs %17.1fs   (%.0fx)\n", "total", dp + dd, ap + ad, (ap + ad) / (dp + dd)
}'
echo
echo "The VM keeps running at https://$domain/ ($address); stop it with: make vm-down env=$env"
