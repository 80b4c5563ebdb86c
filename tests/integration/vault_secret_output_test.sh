#!/usr/bin/env bash
# A value read through a vault never appears in drover's output, even at
# -vvvv, even when a task echoes it or registers it: stdout, stderr and the
# JSON event log are searched for the plaintext. The same run also proves
# the value was really used (its length reaches the output).
set -euo pipefail
: "${DROVER:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
SECRET='Zx9-very-secret-value'
# Only in the file encrypted as a whole, never inline: its values are secrets too.
WHOLE_SECRET='Wq7-whole-file-token'
echo 'pw-for-test' >pw
"$DROVER" vault encrypt_string --vault-password-file pw "$SECRET" --name db_password >secrets.yml
"$DROVER" vault encrypt --vault-password-file pw --output whole.yml - <<<"api_token: tok-$SECRET
whole_token: $WHOLE_SECRET"
cat >site.yml <<'EOF2'
- hosts: localhost
  gather_facts: false
  vars_files: [whole.yml]
  tasks:
    - debug: var=db_password
    - debug: msg="password is {{ db_password }}, token {{ api_token }}"
    - command: echo {{ db_password }}
      register: out
    - debug: var=out
    - debug: msg="length {{ db_password | length }}"
    - debug: var=whole_token
    - command: echo {{ whole_token }}
    - debug: msg="whole length {{ whole_token | length }}"
    - fail: msg="failing with {{ db_password }}"
      ignore_errors: true
EOF2
passed=0 failed=0
check() {
  if "${@:2}"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi
}
set +e
"$DROVER" playbook -i localhost, -c local -e @secrets.yml --vault-password-file pw site.yml \
  -vvvv --json-log events.json >out.txt 2>err.txt
rc=$?
set -e
check "run succeeds" test "$rc" -eq 0
check "the secret was used (its length is printed)" grep -q '"msg": "length 21"' out.txt
check "the whole-file value was used" grep -q '"msg": "whole length 20"' out.txt
check "the task that echoes it ran" grep -q '"stdout": "\*\*\*\*\*\*\*\*"' out.txt
for f in out.txt err.txt events.json; do
  check "no plaintext in $f" bash -c "! grep -qF -- '$SECRET' $f"
  check "no whole-file vault value in $f" bash -c "! grep -qF -- '$WHOLE_SECRET' $f"
done
check "JSON log has events" test "$(wc -l <events.json)" -gt 5
echo "vault secrets in output: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
