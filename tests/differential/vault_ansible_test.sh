#!/usr/bin/env bash
# drover vault against ansible-vault (ansible-core): files each one encrypts
# the other decrypts (1.1, 1.2 with an id, empty, binary, 1 MiB, UTF-8),
# encrypt_string blocks read by `ansible`, byte layout, error paths that must
# write nothing, rekey both ways, and the shared test vectors.
set -uo pipefail
source "$(dirname "$0")/../lib/check.sh"
: "${DROVER:?}"
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data/vault"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" ANSIBLE_LOCAL_TEMP="$tmp/home/tmp" ANSIBLE_NOCOLOR=1
export ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
unset DROVER_VAULT_PASSWORD_FILE ANSIBLE_VAULT_PASSWORD_FILE ANSIBLE_VAULT_IDENTITY_LIST
mkdir -p "$HOME/tmp"
cd "$tmp" || exit 1


command -v ansible-vault >/dev/null || { echo "ansible-vault not installed (make deps)"; exit 1; }

printf 'correct horse\n' >pw
printf 'battery staple' >pw2
printf 'not the password\n' >badpw

# Plaintexts: text, empty, every byte value, 1 MiB, UTF-8.
printf 'db_password: s3cr3t-value\napi_token: abc123\n' >plain.text
: >plain.empty
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 3 + b"\x00\xff")' >plain.binary
python3 -c 'import sys; sys.stdout.buffer.write((b"0123456789abcdef" * 65536))' >plain.large
printf 'grüße: "Ελληνικά – 日本語 ✓"\n' >plain.utf8
kinds="text empty binary large utf8"

# --- ansible-vault encrypts, drover decrypts -------------------------------
for k in $kinds; do
  ansible-vault encrypt --vault-password-file pw --output "a11.$k" "plain.$k" >/dev/null 2>&1
  ansible-vault encrypt --vault-id prod@pw --output "a12.$k" "plain.$k" >/dev/null 2>&1
  check "ansible 1.1 $k -> drover decrypt" \
    bash -c "'$DROVER' vault decrypt --vault-password-file pw --output - a11.$k | cmp - plain.$k"
  check "ansible 1.2 $k -> drover decrypt (--vault-id)" \
    bash -c "'$DROVER' vault decrypt --vault-id prod@pw --output - a12.$k | cmp - plain.$k"
done
check "ansible 1.2 header carries the id" grep -q '^\$ANSIBLE_VAULT;1.2;AES256;prod$' a12.text

# --- drover encrypts, ansible-vault decrypts -------------------------------
for k in $kinds; do
  "$DROVER" vault encrypt --vault-password-file pw --output "d11.$k" "plain.$k"
  "$DROVER" vault encrypt --vault-id prod@pw --output "d12.$k" "plain.$k"
  check "drover 1.1 $k -> ansible-vault decrypt" \
    bash -c "ansible-vault decrypt --vault-password-file pw --output - d11.$k | cmp - plain.$k"
  check "drover 1.2 $k -> ansible-vault decrypt" \
    bash -c "ansible-vault decrypt --vault-id prod@pw --output - d12.$k | cmp - plain.$k"
  # Same plaintext size -> same envelope layout (header, 80-column lines, final newline).
  check "drover 1.1 $k layout equals ansible's" \
    bash -c "diff <(awk '{print length}' a11.$k) <(awk '{print length}' d11.$k) && cmp <(head -1 a11.$k) <(head -1 d11.$k) && [[ \$(tail -c1 d11.$k | od -An -c | tr -d ' ') == '\\n' ]]"
  check "drover 1.2 $k layout equals ansible's" \
    bash -c "diff <(awk '{print length}' a12.$k) <(awk '{print length}' d12.$k) && cmp <(head -1 a12.$k) <(head -1 d12.$k)"
done

# stdin/stdout and in-place.
check "encrypt stdin -> stdout, decrypt stdin -> stdout" \
  bash -c "'$DROVER' vault encrypt --vault-password-file pw < plain.text | '$DROVER' vault decrypt --vault-password-file pw | cmp - plain.text"
cp plain.utf8 inplace
"$DROVER" vault encrypt --vault-password-file pw inplace
check "encrypt in place, ansible-vault view" \
  bash -c "head -1 inplace | grep -q ANSIBLE_VAULT && ansible-vault view --vault-password-file pw inplace | cmp - plain.utf8"
"$DROVER" vault decrypt --vault-password-file pw inplace
check "decrypt in place" cmp inplace plain.utf8

# Password sources: an executable script, a *-client script given the id,
# env variables, several ids (the matching one first, others after).
printf '#!/bin/sh\necho "correct horse"\n' >pass.sh
chmod +x pass.sh
printf '#!/bin/sh\n[ "$1" = --vault-id ] && [ "$2" = prod ] && printf "correct horse\\n"\n' >vault-client.sh
chmod +x vault-client.sh
check "password script" bash -c "'$DROVER' vault view --vault-password-file ./pass.sh a11.text | cmp - plain.text"
check "client script gets --vault-id" bash -c "'$DROVER' vault view --vault-id prod@./vault-client.sh a12.text | cmp - plain.text"
check "DROVER_VAULT_PASSWORD_FILE" bash -c "DROVER_VAULT_PASSWORD_FILE=pw '$DROVER' vault view a11.text | cmp - plain.text"
check "ANSIBLE_VAULT_PASSWORD_FILE" bash -c "ANSIBLE_VAULT_PASSWORD_FILE=pw '$DROVER' vault view a11.text | cmp - plain.text"
check "several ids, the right one not first" \
  bash -c "'$DROVER' vault view --vault-id dev@badpw --vault-id prod@pw a12.text | cmp - plain.text"
check "several ids, no label match" \
  bash -c "'$DROVER' vault view --vault-id x@badpw --vault-id y@pw a11.text | cmp - plain.text"

# ansible.cfg's vault_password_file (relative to the config file), as Ansible.
mkdir -p project/sub
printf '[defaults]\nvault_password_file = keys/pass\n' >project/ansible.cfg
mkdir -p project/keys
cp pw project/keys/pass
check "ansible.cfg vault_password_file (ANSIBLE_CONFIG)" \
  bash -c "ANSIBLE_CONFIG=project/ansible.cfg '$DROVER' vault view a11.text | cmp - plain.text"
check "ansible.cfg in the current directory" \
  bash -c "cd project && chmod 755 . && '$DROVER' vault view ../a11.text | cmp - ../plain.text && ansible-vault view ../a11.text | cmp - ../plain.text"

# --- shared vectors --------------------------------------------------------
printf 'test-vault-password' >vectorpw
for v in format_1_1_AES256 format_1_2_AES256; do
  check "vector $v" bash -c "[[ \$('$DROVER' vault view --vault-password-file vectorpw '$data/$v.yml') == foobar ]]"
done
for f in "$data"/commcare-example-vault-*[0-9a-f].yml; do
  check "vector $(basename "$f")" \
    bash -c "'$DROVER' vault view --vault-password-file '$data/commcare-example.password' '$f' | cmp - '${f%.yml}.plain.yml'"
done

# --- encrypt_string --------------------------------------------------------
"$DROVER" vault encrypt_string --vault-password-file pw --name secret_var 'Tr0ub4dor&3 ünïcode' >es.yml
{ cat es.yml; printf '\nplain_var: visible\n'; } >vars.yml
check "encrypt_string block read by ansible" \
  bash -c "ansible localhost -c local -i localhost, -m debug -a var=secret_var -e @vars.yml --vault-password-file pw | grep -F '\"secret_var\": \"Tr0ub4dor&3 ünïcode\"'"
printf 'from stdin\n' | "$DROVER" vault encrypt_string --vault-id prod@pw --stdin-name piped >vars2.yml
check "encrypt_string --stdin-name with a vault id, read by ansible" \
  bash -c "ansible localhost -c local -i localhost, -m debug -a var=piped -e @vars2.yml --vault-id prod@pw | grep -F '\"piped\": \"from stdin\\n\"'"
ansible-vault encrypt_string --vault-password-file pw --name secret_var 'Tr0ub4dor&3 ünïcode' >ansible_vars.yml 2>/dev/null
check "encrypt_string output has ansible's exact shape" \
  bash -c "diff <(awk '{print length}' ansible_vars.yml) <(awk '{print length}' es.yml) && head -2 es.yml | diff - <(head -2 ansible_vars.yml) && [[ \$(wc -c <es.yml) == \$(wc -c <ansible_vars.yml) ]]"
check "encrypt_string ends without a newline, as ansible's" \
  bash -c "[[ \$('$DROVER' vault encrypt_string --vault-password-file pw x | tail -c1 | od -An -c | tr -d ' ') != '\\n' ]]"
# ansible's encrypt_string block -> drover: the YAML scalar decrypts.
check "ansible encrypt_string block decrypts with drover" \
  bash -c "python3 -c 'import yaml,sys
yaml.SafeLoader.add_constructor(\"!vault\", lambda l, n: l.construct_scalar(n))
sys.stdout.write(yaml.safe_load(open(\"ansible_vars.yml\"))[\"secret_var\"])' | '$DROVER' vault decrypt --vault-password-file pw | grep -qxF 'Tr0ub4dor&3 ünïcode'"

# --- rekey -----------------------------------------------------------------
cp a11.text rk1
"$DROVER" vault rekey --vault-password-file pw --new-vault-id new@pw2 rk1 2>/dev/null
check "drover rekey -> ansible-vault view with the new id" \
  bash -c "head -1 rk1 | grep -qx '\$ANSIBLE_VAULT;1.2;AES256;new' && ansible-vault view --vault-id new@pw2 rk1 | cmp - plain.text"
cp d11.utf8 rk2
ansible-vault rekey --vault-password-file pw --new-vault-password-file pw2 rk2 >/dev/null 2>&1
check "ansible rekey -> drover view" bash -c "'$DROVER' vault view --vault-password-file pw2 rk2 | cmp - plain.utf8"
cp a11.text rk3
chmod 640 rk3
"$DROVER" vault rekey --vault-password-file pw --new-vault-password-file pw2 rk3 2>/dev/null
check "rekey keeps the mode and 1.1 for a password file" \
  bash -c "[[ \$(stat -c %a rk3) == 640 ]] && head -1 rk3 | grep -qx '\$ANSIBLE_VAULT;1.1;AES256'"

# --- errors write nothing --------------------------------------------------
cp a11.text wrong
sum=$(sha256sum wrong)
check "wrong password: message, non-zero, file untouched" \
  bash -c "! '$DROVER' vault decrypt --vault-password-file badpw wrong 2>err && grep -qF 'Decryption failed (no vault secrets were found that could decrypt) on wrong' err && [[ \"\$(sha256sum wrong)\" == '$sum' ]]"
check "wrong password with --output writes no output file" \
  bash -c "! '$DROVER' vault decrypt --vault-password-file badpw --output out.txt wrong 2>/dev/null && [[ ! -e out.txt ]]"
python3 - <<'EOF'
import binascii
lines = open("a11.text").read().splitlines()
inner = bytearray(binascii.unhexlify("".join(lines[1:])))
inner[-3] = ord("1") if inner[-3] != ord("1") else ord("2")  # one ciphertext hex digit
out = binascii.hexlify(bytes(inner)).decode()
open("tampered", "w").write(lines[0] + "\n" + "\n".join(out[i:i + 80] for i in range(0, len(out), 80)) + "\n")
EOF
check "tampered payload: HMAC error naming the file" \
  bash -c "! '$DROVER' vault view --vault-password-file pw tampered 2>err && grep -q 'HMAC' err && grep -q 'tampered' err"
head -c 200 a11.text >truncated
check "truncated payload: format error naming the file" \
  bash -c "! '$DROVER' vault view --vault-password-file pw truncated 2>err && grep -q 'truncated' err"
check "no password: names the file and the flags" \
  bash -c "! setsid -w '$DROVER' vault view a11.text </dev/null 2>err && grep -q 'a11.text' err && grep -q -- '--vault-password-file' err && grep -q -- '--vault-id' err"
check "not a vault file: decrypt refuses, file untouched" \
  bash -c "cp plain.text notvault && ! '$DROVER' vault decrypt --vault-password-file pw notvault 2>/dev/null && cmp notvault plain.text"
check "encrypting vault text again is refused" \
  bash -c "cp a11.text twice && ! '$DROVER' vault encrypt --vault-password-file pw twice 2>/dev/null && cmp twice a11.text"

finish "vault differential"
