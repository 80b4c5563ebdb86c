#!/usr/bin/env bash
# Values computed from a vaulted secret inherit its mark (issue 19): the
# secret through |upper, |b64encode, |reverse, a slice, a string method, a
# split, a slurp of a file holding it and a template rendered with --diff
# never appears in stdout, stderr or the JSON event log, while a plain value
# sitting next to the secret in the same dict stays readable. The run also
# proves each derived value was computed (comparisons print True).
set -euo pipefail
: "${DROVER:?}"
T=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$T"' EXIT
cd "$T"
SECRET='Dk4-derived-secret-value'
upper=$(tr '[:lower:]' '[:upper:]' <<<"$SECRET")
b64=$(printf %s "$SECRET" | base64 -w0)
reversed=$(rev <<<"$SECRET")
slice=${SECRET:4:12}
echo 'pw-for-test' >pw
"$DROVER" vault encrypt_string --vault-password-file pw "$SECRET" --name db_password >secrets.yml
echo '# {{ db_password | upper }} {{ db_password | b64encode }}' >conf.j2
cat >site.yml <<'EOF2'
- hosts: localhost
  gather_facts: false
  tasks:
    - debug: msg="{{ db_password | upper }}"
    - debug: msg="{{ db_password | b64encode }}"
    - debug: msg="{{ db_password | reverse }}"
    - debug: msg="{{ db_password[4:16] }}"
    - debug: msg="{{ db_password.upper() }}"
    - debug: msg="{{ db_password.split('-') }}"
    - debug:
        msg: "{{ {'host': 'dbhost-visible', 'pw': db_password} | combine({'port': 5432}) }}"
    - debug: msg="upper used {{ (db_password | upper | lower) == (db_password | lower) }}"
    - debug: msg="b64 used {{ (db_password | b64encode | b64decode) == db_password }}"
    - copy: content="{{ db_password }}" dest={{ playbook_dir }}/plain.txt mode=0600
    - slurp: src={{ playbook_dir }}/plain.txt
      register: slurped
    - debug: var=slurped
    - debug: msg="slurp used {{ (slurped.content | b64decode) == db_password }}"
    - template: src=conf.j2 dest={{ playbook_dir }}/conf.txt
EOF2
passed=0 failed=0
check() {
  if "${@:2}"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi
}
set +e
"$DROVER" playbook -i localhost, -c local -e @secrets.yml --vault-password-file pw site.yml \
  -vvvv --diff --json-log events.json >out.txt 2>err.txt
rc=$?
set -e
check "run succeeds" test "$rc" -eq 0
for used in "upper used True" "b64 used True" "slurp used True"; do
  check "derived value computed: $used" grep -qF "$used" out.txt
done
check "the template was written with the derived values" grep -qF "$upper $b64" conf.txt
check "a plain value next to the secret stays readable" grep -qF dbhost-visible out.txt
check "the diff was shown" grep -qF 'after: ' out.txt
for f in out.txt err.txt events.json; do
  for form in "$SECRET" "$upper" "$b64" "$reversed" "$slice" "derived-secret"; do
    check "no '$form' in $f" bash -c "! grep -qF -- '$form' $f"
  done
done
echo "derived secrets in output: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
