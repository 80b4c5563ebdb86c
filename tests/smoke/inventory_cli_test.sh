#!/usr/bin/env bash
# `drover inventory` as a user calls it: bad inventories fail with exit 1 and
# an error naming file:line; bad usage exits 5; vault values never decrypt
# without a password and the error names where they are.
set -uo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
passed=0
failed=0

# expect NAME RC PATTERN -- command...: exit code RC and stderr matching PATTERN.
expect() {
  local name=$1 want_rc=$2 pattern=$3
  shift 4
  local rc=0
  "$@" >out 2>err || rc=$?
  if [[ $rc -eq $want_rc ]] && grep -Eq -- "$pattern" err; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: rc=$rc (want $want_rc), stderr:" >&2
    cat err >&2
  fi
}

printf '[web]\nw1\n[prod:children]\nweb\nnosuch\n' >children.ini
expect "unknown group in :children" 1 \
  "^ERROR! $tmp/children.ini:5: Section \[prod:children\] includes undefined group: nosuch$" -- \
  "$DROVER" inventory -i children.ini --list

printf '[web]\nw1\n\nweb[01:3].example.com\n' >range.ini
expect "malformed range" 1 \
  "^ERROR! $tmp/range.ini:4: host range must specify equal-length begin and end formats" -- \
  "$DROVER" inventory -i range.ini --list

expect "missing inventory" 1 "^ERROR! Unable to parse $tmp/nosuch as an inventory source" -- \
  "$DROVER" inventory -i nosuch --list

if [[ $(id -u) -ne 0 ]]; then
  printf '[a]\nb\n' >unreadable.ini
  chmod 000 unreadable.ini
  expect "unreadable inventory" 1 "^ERROR! $tmp/unreadable.ini: .*not readable" -- \
    "$DROVER" inventory -i unreadable.ini --list
fi

# Unreadable even for root: a dangling symlink inside an inventory directory.
mkdir -p dir_inv
printf '[a]\nb\n' >dir_inv/01-hosts
ln -s /nonexistent/target dir_inv/02-broken
expect "unreadable file in an inventory directory" 1 \
  "^ERROR! $tmp/dir_inv/02-broken: Unable to parse .* the file is not readable" -- \
  "$DROVER" inventory -i dir_inv --list

# Inline !vault value: --list shows the ciphertext, as ansible-inventory does;
# showing the plaintext (--graph --vars) needs a password: file:line:col.
{
  echo 'all:'
  echo '  hosts:'
  echo '    h1:'
  echo '      secret: !vault |'
  echo '        $ANSIBLE_VAULT;1.1;AES256'
  echo '        6162636465'
} >vault.yml
"$DROVER" inventory -i vault.yml --list >out 2>err && grep -q '"__ansible_vault"' out &&
  ! grep -q ERROR err && passed=$((passed + 1)) || {
  failed=$((failed + 1))
  echo "FAIL vault --list" >&2
}
expect "inline vault without password" 1 \
  "^ERROR! $tmp/vault.yml:4:[0-9]+: .*is vault-encrypted but no vault password was given" -- \
  "$DROVER" inventory -i vault.yml --graph --vars

mkdir -p vg/group_vars
printf '[web]\nw1\n' >vg/hosts
printf '$ANSIBLE_VAULT;1.1;AES256\n6162636465\n' >vg/group_vars/web.yml
# A group_vars file that cannot be decrypted: exit code 4, as ansible-inventory's
# host_group_vars plugin raises AnsibleParserError.
expect "vaulted group_vars file without password" 4 \
  "^ERROR! $tmp/vg/group_vars/web.yml:1:1: .*is vault-encrypted but no vault password" -- \
  "$DROVER" inventory -i vg/hosts --list

echo wrong >vault-pw
expect "a malformed vaulted file names the file" 4 \
  "vg/group_vars/web.yml:1:1: There was a vault format error in" -- \
  "$DROVER" inventory -i vg/hosts --list --vault-password-file vault-pw

expect "no action" 5 "No action selected" -- "$DROVER" inventory -i children.ini
expect "two actions" 5 "Conflicting options" -- "$DROVER" inventory -i 'a,' --list --graph
expect "unknown host" 5 "You must pass a single valid host to --host parameter" -- \
  "$DROVER" inventory -i 'a,b,' --host nosuch
expect "no-match warning" 5 "\[WARNING\]: Could not match supplied host pattern, ignoring: nosuch" -- \
  "$DROVER" inventory -i 'a,b,' --host nosuch
expect "graph of a non-group" 5 "Pattern must be valid group name when using --graph" -- \
  "$DROVER" inventory -i 'a,b,' --graph nosuch
expect "unknown option" 2 "ERROR!" -- "$DROVER" inventory -i 'a,' --list --bogus

ln -s "$DROVER" ansible-inventory
if ./ansible-inventory -i 'a,b:2222,' --host b | grep -q '"ansible_port": 2222'; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL ansible-inventory link --host" >&2
fi

echo "inventory cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
