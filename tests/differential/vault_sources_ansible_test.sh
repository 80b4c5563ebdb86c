#!/usr/bin/env bash
# Vault-encrypted sources of the template and copy modules (issue 17):
# drover and ansible-playbook 2.14 run one playbook (local connection) whose
# template src and copy src are ansible-vault files; both must write the
# decrypted text (byte for byte the same), report the same recap, and report
# no change on a second run. copy with decrypt: false installs the
# ciphertext, as Ansible's.
set -euo pipefail
: "${DROVER:?DROVER must point at build/drover}"
command -v ansible-playbook >/dev/null || { echo "SKIP: ansible-playbook not installed"; exit 0; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export HOME=$T ANSIBLE_NOCOLOR=1
echo 'vault pw' >pw
printf 'hello {{ who }}\nsecond line\n' >t.j2
printf 'plain secret\n' >c.txt
ansible-vault encrypt --vault-password-file pw t.j2 c.txt >/dev/null
printf 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' >hosts
cat >site.yml <<'EOF2'
- hosts: all
  gather_facts: false
  vars: {who: world}
  tasks:
    - template: {src: t.j2, dest: "{{ playbook_dir }}/{{ tool }}/t.txt"}
    - copy: {src: c.txt, dest: "{{ playbook_dir }}/{{ tool }}/c.txt"}
    - copy: {src: c.txt, dest: "{{ playbook_dir }}/{{ tool }}/raw.txt", decrypt: false}
EOF2
fail=0
recap() { grep -E '^h1 +: ' "$1" | tr -s ' '; }
for tool in a d; do
  mkdir -p $tool
  for run in 1 2; do
    if [[ $tool == a ]]; then
      ansible-playbook -i hosts site.yml --vault-password-file pw -e tool=$tool >"out_$tool$run" 2>&1 || true
    else
      "$DROVER" playbook -i hosts site.yml --vault-password-file pw -e tool=$tool >"out_$tool$run" 2>&1 || true
    fi
  done
done
for f in t.txt c.txt raw.txt; do
  cmp -s "a/$f" "d/$f" || { echo "FAIL: $f differs"; diff "a/$f" "d/$f" | head -5; fail=1; }
done
grep -qx 'hello world' d/t.txt || { echo "FAIL: the template was not decrypted"; fail=1; }
grep -qx 'plain secret' d/c.txt || { echo "FAIL: the copy was not decrypted"; fail=1; }
for run in 1 2; do
  [[ $(recap out_a$run) == "$(recap out_d$run)" ]] ||
    { echo "FAIL: run $run recap: ansible $(recap out_a$run) / drover $(recap out_d$run)"; fail=1; }
done
grep -q 'changed=0' out_d2 || { echo "FAIL: second drover run changed"; fail=1; }
if ((fail)); then cat out_a1 out_d1; exit 1; fi
echo "PASS vault-encrypted template and copy sources (drover = ansible-playbook 2.14)"
