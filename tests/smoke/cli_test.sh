#!/usr/bin/env bash
# The CLI skeleton: --help lists the commands, --version answers, ansible-*
# links dispatch to the matching command, bad usage exits 5.
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
  "$tmp/$link" --help | grep -q "^Usage: $link " || fail "$link --help is not the $link usage"
done
"$tmp/ansible-vault" --help | grep -q 'encrypt_string' || fail "ansible-vault --help is not vault's help"

set +e
"$DROVER" nosuchcommand 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 5 ]] || fail "unknown command exit code $rc, want 5"
grep -q "unknown command 'nosuchcommand'" "$tmp/err" || fail "unknown command message"
echo "cli smoke: ok"
