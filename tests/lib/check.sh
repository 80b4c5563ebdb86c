# Sourced by tier tests: counted checks with the failing command's output.
#   check NAME COMMAND...   passes when COMMAND succeeds; on failure prints
#                           NAME and the first lines of the command's output
#   finish LABEL            prints "LABEL: N passed, N failed"; returns 1 on
#                           any failure (use as the script's last command)
passed=0
failed=0
check_out=$(mktemp)
check() {
  local name=$1
  shift
  if "$@" >"$check_out" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
    sed 's/^/    /' "$check_out" | head -20
  fi
}
finish() {
  rm -f "$check_out"
  echo "$1: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
