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

# cycle NAME PLAYBOOK FILE INITIAL DIFFERENT EXPECTED DIFF_MINUS DIFF_PLUS:
# the four runs. INITIAL is the file before (a) ("-" = none), DIFFERENT the
# file before (c).
cycle() {
  local name=$1 pb=$2 f=$3 init=$4 differ=$5 want=$6 minus=$7 plus=$8 before
  rm -rf "$f"
  [[ $init == - ]] || printf '%s\n' "$init" >"$f"
  play "$pb"
  check "$name: (a) changes (rc=$rc)" changed_is 1
  check "$name: (a) content" test "$(cat "$f")" = "$want"
  before=$(ident "$f")
  sleep 1.1
  play "$pb"
  check "$name: (b) second run changed=0" changed_is 0
  check "$name: (b) inode and mtime unchanged" test "$(ident "$f")" = "$before"
  printf '%s\n' "$differ" >"$f"
  before=$(ident "$f")
  play "$pb" --check
  check "$name: (c) check reports changed" changed_is 1
  check "$name: (c) check changed nothing" test "$(cat "$f")|$(ident "$f")" = "$differ|$before"
  play "$pb" --check --diff
  check "$name: (d) diff headers" has "--- before: $f"
  check "$name: (d) diff minus" has "$minus"
  check "$name: (d) diff plus" has "$plus"
  check "$name: (d) check+diff changed nothing" test "$(cat "$f")" = "$differ"
  play "$pb" --diff
  check "$name: (d) diff run changes" test "$(cat "$f")" = "$want"
}
