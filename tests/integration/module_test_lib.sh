# shellcheck shell=bash
# Shared by the module tests: sourced after sshd_lib.sh, whose sshd_start
# has started host "h1". Contract: $P is the project directory holding the
# inventory `hosts` and the extra-vars file `vars.yml`; playbooks run there.

# module_inventory: writes $P/hosts naming h1 (root, the test's key and
# known_hosts; strict host-key checking stays on). Extra arguments are
# appended to h1's line as more host variables.
module_inventory() {
  mkdir -p "$P"
  printf '%s\n' "h1 ansible_host=127.0.0.1 ansible_port=${SSHD_PORT[h1]} ansible_user=root ansible_ssh_private_key_file=$T/id_ed25519 ansible_ssh_common_args='-o UserKnownHostsFile=$T/known_hosts'${*:+ $*}" >"$P/hosts"
}

# play PLAYBOOK [ARGS...]: drover playbook in $P with -e @vars.yml; the exit
# status in $rc, stdout in $T/out, stderr in $T/err. Never exits the test.
play() {
  local file=$1
  shift
  set +e
  (cd "$P" && "$DROVER" playbook -i hosts -e @vars.yml "$file" "$@") >"$T/out" 2>"$T/err"
  rc=$?
  set -e
}
# has TEXT: the last play's stdout contains TEXT.
has() { grep -qF -- "$1" "$T/out"; }
# changed_is N: the last play's recap line for h1 says changed=N.
changed_is() { grep -qE "^h1 +: ok=[0-9]+ +changed=$1 " "$T/out"; }
# ident PATH: inode and mtime, to tell a file untouched from one rewritten.
ident() { stat -c '%i %Y' "$1" 2>/dev/null || echo none; }
mode_of() { stat -c '%a' "$1" 2>/dev/null || echo none; }
