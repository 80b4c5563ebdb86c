#!/usr/bin/env bash
# Runs every test tier that exists and prints one closing line:
#   "tiers: N passed, N failed"
# Tiers (each one an executable file; exit 0 = pass):
#   unit          meson test (doctest, all *_test.cc)
#   smoke         tests/smoke/*_test.*         the CLI as a user calls it
#   differential  tests/differential/*_test.*   against python3-yaml,
#                 python3-jinja2 and ansible-core
#   integration   tests/integration/*_test.*    against a real sshd on 127.0.0.1
#   e2e           tests/e2e/*_test.*            against booted Debian hosts
#   sanitize      tests/sanitize/*_test.*       the unit tier and chosen
#                 integration tests again, under ASan+UBSan (build-asan,
#                 built by `make asan`); opt-in: DROVER_TEST_TIERS=sanitize
# DROVER_TEST_TIERS="unit differential" limits the tiers.
set -uo pipefail
cd "$(dirname "$0")/.."
export DROVER="$PWD/build/drover"
tiers=${DROVER_TEST_TIERS:-unit smoke differential integration e2e}
passed=0
failed=0
failures=()

run_one() {  # name command...
  local name=$1
  shift
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "PASS $name ($((SECONDS - start))s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name ($((SECONDS - start))s)"
  fi
}

for tier in $tiers; do
  echo "== tier: $tier"
  if [[ $tier == unit ]]; then
    run_one unit meson test -C build --print-errorlogs -q
    continue
  fi
  [[ -d tests/$tier ]] || continue
  for t in tests/"$tier"/*_test.*; do
    [[ -x $t ]] || continue
    run_one "$t" "$t"
  done
done

[[ ${#failures[@]} -eq 0 ]] || printf 'failed: %s\n' "${failures[@]}"
echo "tiers: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
