#!/usr/bin/env bash
# The vault keyring wired into a command that reads vaulted data: a whole
# vaulted group_vars file and inline `!vault` host_vars values, read by
# `drover inventory --list` and by ansible-inventory, with each password
# source; the JSON must be equal. Without a password, the error names the
# file and the flags.
set -uo pipefail
source "$(dirname "$0")/../lib/check.sh"
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" ANSIBLE_LOCAL_TEMP="$tmp/home/tmp"
unset DROVER_VAULT_PASSWORD_FILE ANSIBLE_VAULT_PASSWORD_FILE ANSIBLE_VAULT_IDENTITY_LIST
mkdir -p "$HOME/tmp" "$tmp/p/group_vars" "$tmp/p/host_vars"
cd "$tmp/p" || exit 1

# same_json ANSIBLE DROVER: equal JSON once the plaintext of the file
# encrypted as a whole reads as drover's mask in Ansible's output (drover
# prints no secret, not even when asked for the inventory's variables).
same_json() {
  python3 -c 'import json,sys
a,b=(open(f).read() for f in sys.argv[1:])
sys.exit(json.loads(a.replace("whole-file-secret","********"))!=json.loads(b))' "$1" "$2"
}

printf 'inventory pass\n' >../pw
printf 'prod pass\n' >../prodpw
printf '[web]\nweb1\nweb2\n' >hosts
printf 'db_password: whole-file-secret\nport: 5432\n' >group_vars/all.yml
ansible-vault encrypt --vault-password-file ../pw group_vars/all.yml >/dev/null 2>&1
{ printf 'plain: 1\n'; "$DROVER" vault encrypt_string --vault-password-file ../pw --name token 'inline-1'; echo; } >host_vars/web1.yml
{ "$DROVER" vault encrypt_string --vault-id prod@../prodpw --name token 'inline-2'; echo; } >host_vars/web2.yml

for src in "--vault-password-file ../pw --vault-id prod@../prodpw" \
           "--vault-id prod@../prodpw --vault-id ../pw"; do
  # shellcheck disable=SC2086
  ansible-inventory -i hosts --list $src >ansible.json 2>/dev/null
  # shellcheck disable=SC2086
  "$DROVER" inventory -i hosts --list $src >drover.json 2>"$tmp/err"
  check "inventory --list equals ansible-inventory ($src)" same_json ansible.json drover.json
done
check "the vaulted group_vars value was decrypted, and is masked" grep -q '"db_password": "\*\*\*\*\*\*\*\*"' drover.json
check "ansible-inventory printed the plaintext drover masks" grep -q whole-file-secret ansible.json
ANSIBLE_VAULT_PASSWORD_FILE=../pw "$DROVER" inventory -i hosts --host web1 >drover_host.json
ANSIBLE_VAULT_PASSWORD_FILE=../pw ansible-inventory -i hosts --host web1 >ansible_host.json 2>/dev/null
check "password file from the environment (--host)" same_json ansible_host.json drover_host.json
check "no password: error names the file and the flags" \
  bash -c "! setsid -w '$DROVER' inventory -i hosts --list </dev/null 2>err && grep -q 'group_vars/all.yml' err && grep -q -- '--vault-password-file' err"
check "wrong password: the decryption error names the file" \
  bash -c "! '$DROVER' inventory -i hosts --list --vault-password-file ../prodpw >/dev/null 2>err && grep -q 'Decryption failed (no vault secrets were found that could decrypt) on .*group_vars/all.yml' err"

finish "vault inventory"
