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
#                 integration tests again, under ASan+UBSan, and a short
#                 fuzz run (build-asan, built by `make asan`)
# DROVER_TEST_TIERS="unit differential" limits the tiers.
# DROVER_E2E_JOBS=N runs N e2e tests at a time (default 3): they mostly wait
# on their hosts, and the fixture allocates addresses and names under a lock.
# A parallel test's output is printed in one piece when it ends.
set -uo pipefail
cd "$(dirname "$0")/.."
export DROVER="$PWD/build/drover"
# Connection persistence off for every test (they count logins, kill sshds,
# compare handshakes); tests/integration/persist_test.sh turns it on itself.
export DROVER_PERSIST=0
tiers=${DROVER_TEST_TIERS:-unit smoke differential integration sanitize e2e}
e2e_jobs=${DROVER_E2E_JOBS:-3}
passed=0
failed=0
failures=()

record() {  # name status seconds
  if [[ $2 -eq 0 ]]; then
    passed=$((passed + 1))
    echo "PASS $1 ($3s)"
  else
    failed=$((failed + 1))
    failures+=("$1")
    echo "FAIL $1 ($3s)"
  fi
}

run_one() {  # name command...
  local name=$1 start=$SECONDS status=0
  shift
  "$@" || status=$?
  record "$name" "$status" $((SECONDS - start))
}

# Runs the tests given, at most $e2e_jobs at a time, each one's output kept in
# a file and printed when it ends. The main job goes first: it is the longest.
run_parallel() {  # test...
  local logs pending=("$@") t
  logs=$(mktemp -d)
  declare -A started=() names=()
  while ((${#pending[@]} > 0)) || ((${#started[@]} > 0)); do
    while ((${#pending[@]} > 0)) && ((${#started[@]} < e2e_jobs)); do
      t=${pending[0]}
      pending=("${pending[@]:1}")
      "$t" >"$logs/${#names[@]}.log" 2>&1 &
      started[$!]=$SECONDS
      names[$!]="$t|$logs/${#names[@]}.log"
    done
    local pid status=0
    wait -n -p pid "${!started[@]}" || status=$?
    cat "${names[$pid]#*|}"
    record "${names[$pid]%%|*}" "$status" $((SECONDS - started[$pid]))
    unset "started[$pid]"
  done
  rm -rf "$logs"
}

for tier in $tiers; do
  echo "== tier: $tier"
  if [[ $tier == unit ]]; then
    run_one unit meson test -C build --print-errorlogs -q
    continue
  fi
  [[ -d tests/$tier ]] || continue
  tests=()
  for t in tests/"$tier"/*_test.*; do
    [[ -x $t ]] && tests+=("$t")
  done
  if [[ $tier == e2e && $e2e_jobs -gt 1 ]]; then
    ordered=()
    for t in "${tests[@]}"; do [[ $t == */main_job_test.* ]] && ordered+=("$t"); done
    for t in "${tests[@]}"; do [[ $t == */main_job_test.* ]] || ordered+=("$t"); done
    run_parallel "${ordered[@]}"
    continue
  fi
  for t in "${tests[@]}"; do run_one "$t" "$t"; done
done

[[ ${#failures[@]} -eq 0 ]] || printf 'failed: %s\n' "${failures[@]}"
echo "tiers: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
