#!/usr/bin/env bash
# The CLI skeleton: --help lists the commands, --version answers, ansible-*
# links dispatch to the matching command, a rejected command line exits 2 as
# Ansible's does, an unknown drover command 5.
set -euo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

help=$("$DROVER" --help)
for c in playbook adhoc vault inventory template; do
  grep -q "^  $c " <<<"$help" || fail "--help does not list $c"
done
"$DROVER" --version | grep -Eq '^drover [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"

for pair in ansible-vault:vault ansible-playbook:playbook ansible-inventory:inventory ansible:adhoc; do
  link=${pair%%:*}
  ln -s "$DROVER" "$tmp/$link"
  # Captured first: grep -q stops reading at its match, and the rest of a
  # long help would then die of SIGPIPE (a failed pipeline under pipefail).
  link_help=$("$tmp/$link" --help)
  grep -q "^Usage: $link " <<<"$link_help" || fail "$link --help is not the $link usage"
done
grep -q 'encrypt_string' <<<"$("$tmp/ansible-vault" --help)" || fail "ansible-vault --help is not vault's help"

# --version on every command and link, anywhere before `--`, with the config
# file in use (Ansible's shape: "<prog> [core X]" then "  config file = ...").
for prog in "$tmp/ansible-playbook site.yml" "$tmp/ansible all" "$tmp/ansible-inventory" \
  "$tmp/ansible-vault view x" "$DROVER playbook" "$DROVER adhoc" "$DROVER vault" "$DROVER inventory"; do
  # shellcheck disable=SC2086
  out=$(cd "$tmp" && $prog --version) || fail "$prog --version failed"
  name=$(basename "${prog%% *}")
  [[ $name == drover ]] && name="drover $(cut -d' ' -f2 <<<"$prog")"
  grep -Eq "^$name \[drover [0-9]+\.[0-9]+\.[0-9]+\]$" <<<"$out" || fail "$prog --version: $out"
  grep -qx '  config file = None' <<<"$out" || fail "$prog --version names no config file: $out"
done
printf '[defaults]\nforks = 3\n' >"$tmp/ansible.cfg"
(cd "$tmp" && "$tmp/ansible-playbook" --version) | grep -qx "  config file = $tmp/ansible.cfg" ||
  fail "ansible-playbook --version does not name ./ansible.cfg"
rm "$tmp/ansible.cfg"

grep -q '^Exit codes (as ansible-playbook.s): 0 ok; 1 error' <<<"$("$DROVER" playbook --help)" ||
  fail "playbook --help does not document the exit codes"

# A command line the parser rejects exits 2, as Ansible's argparse does.
for cmd in "playbook --bogus x.yml" "playbook" "adhoc all --bogus" "inventory --list --bogus" "vault bogus"; do
  set +e
  # shellcheck disable=SC2086
  "$DROVER" $cmd >/dev/null 2>&1
  rc=$?
  set -e
  [[ $rc -eq 2 ]] || fail "drover $cmd: exit $rc, want 2 (ansible's usage error)"
done

set +e
"$DROVER" nosuchcommand 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 5 ]] || fail "unknown command exit code $rc, want 5"
grep -q "unknown command 'nosuchcommand'" "$tmp/err" || fail "unknown command message"
echo "cli smoke: ok"
