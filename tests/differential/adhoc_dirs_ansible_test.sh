#!/usr/bin/env bash
# group_vars/ and host_vars/ for `drover adhoc`, against `ansible` 2.14: the
# inventory's directory, the current directory (Ansible's default playbook
# directory) and --playbook-dir (which replaces the current directory), with
# the precedence between them; the same rendered `-a` and exit code.
set -uo pipefail
: "${DROVER:?}"
drover_lib=$(cd "$(dirname "$0")/../lib" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export HOME=$tmp ANSIBLE_LOCAL_TEMP=$tmp/.ansible-tmp ANSIBLE_NOCOLOR=1
unset ANSIBLE_CONFIG ANSIBLE_INVENTORY
source "$drover_lib/drover_env.sh"
failures=0 passes=0

mkdir -p inv/group_vars group_vars host_vars pb/group_vars pb/host_vars
printf '[web]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\nh2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >inv/hosts
printf 'a: inv_group\nb: inv_group\n' >inv/group_vars/web.yml
printf 'b: cwd_group\nc: cwd_all\n' >group_vars/web.yml
printf 'c: cwd_all_file\n' >group_vars/all.yml
printf 'd: cwd_host\n' >host_vars/h2.yml
printf 'e: pb_all\n' >pb/group_vars/all.yml
printf 'b: pb_host\n' >pb/host_vars/h1.yml

msg='{{ a|default("-") }} {{ b|default("-") }} {{ c|default("-") }} {{ d|default("-") }} {{ e|default("-") }}'
compare() { # label args... (inventory: $inv)
  local label=$1 want got wrc grc
  shift
  want=$(ansible all -i "$inv" "$@" -m command -a "echo $msg" 2>&1 | sort)
  wrc=${PIPESTATUS[0]}
  got=$("$DROVER" adhoc all -i "$inv" "$@" -m command -a "echo $msg" 2>&1 | sort)
  grc=${PIPESTATUS[0]}
  if [[ $want == "$got" && $wrc == "$grc" ]]; then
    passes=$((passes + 1))
    echo "ok: $label"
  else
    failures=$((failures + 1))
    echo "FAIL: $label"
    diff <(echo "$want rc=$wrc") <(echo "$got rc=$grc")
  fi
}
inv=inv/hosts
compare "current directory's group_vars/host_vars over the inventory's"
compare "--playbook-dir replaces the current directory" --playbook-dir pb
cd inv && inv=hosts && compare "run from the inventory's directory" && cd .. && inv=inv/hosts
compare "--playbook-dir with -e over everything" --playbook-dir "$tmp/pb" -e b=extra
echo "$passes passed, $failures failed"
((failures == 0))
