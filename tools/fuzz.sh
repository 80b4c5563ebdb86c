#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for FUZZ_SECONDS each (default 60)
# and prints one line per target: executions, corpus size, crashes.
#   tools/fuzz.sh [BUILD_DIR]            (BUILD_DIR: the clang sanitizer build)
# Seeds: fuzz/seeds/<target>/ (hand-written, and every input that once
# crashed) plus the repository's own test data of that kind. The growing
# corpus lives in BUILD_DIR/fuzz/corpus/<target>/, findings (crash-*,
# timeout-*, oom-*) in BUILD_DIR/fuzz/findings/. Exit status 1 when any
# target found something; its input is the reproducer:
#   BUILD_DIR/fuzz/fuzz_<target> BUILD_DIR/fuzz/findings/<target>-crash-...
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-yaml ini_inventory template vault_envelope host_pattern kv}
work=$build/fuzz
mkdir -p "$work/findings"

# The repository's files of each kind, as extra seeds (never secrets: the
# vault seeds are ciphertext; *.password and *.plain.* files are skipped).
repo_seeds() {  # target
  case $1 in
    yaml) git ls-files '*.yml' '*.yaml' | grep -v -e '\.plain\.' -e '^tests/data/vault/' ;;
    ini_inventory) git ls-files '*hosts' '*.ini' 'environments/*/hosts*' ;;
    template) git ls-files '*.j2' ;;
    vault_envelope) git ls-files 'tests/data/vault/*.yml' | grep -v '\.plain\.' ;;
    *) ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
found=0
printf '%-16s %12s %8s %8s %s\n' target executions exec/s corpus findings
for t in $targets; do
  bin=$build/fuzz/fuzz_$t
  [[ -x $bin ]] || { echo "fuzz: $bin is not built (make fuzz builds it)" >&2; exit 2; }
  corpus=$work/corpus/$t
  mkdir -p "$corpus"
  seeds=$work/seeds/$t
  rm -rf "$seeds" && mkdir -p "$seeds"
  [[ -d fuzz/seeds/$t ]] && cp fuzz/seeds/"$t"/* "$seeds"/ 2>/dev/null
  n=0
  while read -r f; do
    [[ -f $f && $(stat -c %s "$f") -le 65536 ]] || continue
    n=$((n + 1))
    cp "$f" "$seeds/repo-$n"
  done < <(repo_seeds "$t")
  log=$work/$t.log
  before=$(find "$work/findings" -name "$t-*" | wc -l)
  # Fork mode with ignore_*: a finding is saved and the target goes on for
  # its whole time (so one known crash does not hide the others).
  # -timeout: an input taking 10 s is a hang; -rss_limit_mb/-malloc_limit_mb:
  # runaway memory is a finding.
  "$bin" "$corpus" "$seeds" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -max_len=4096 -artifact_prefix="$work/findings/$t-" >"$log" 2>&1
  rc=$?
  # The last status line: "#EXECS: cov: ... exec/s N oom/timeout/crash: a/b/c time: ...".
  status=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
  execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$status")
  rate=$(sed -nE 's/.*exec\/s:? ([0-9]+).*/\1/p' <<<"$status")
  kinds=$(sed -nE 's/.*oom\/timeout\/crash: ([0-9]+\/[0-9]+\/[0-9]+).*/\1/p' <<<"$status")
  after=$(find "$work/findings" -name "$t-*" | wc -l)
  new=$((after - before))
  [[ $rc -eq 0 && $new -eq 0 ]] || found=1
  detail="$new new (oom/timeout/crash ${kinds:-?})"
  printf '%-16s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$(find "$corpus" -type f | wc -l)" "$detail"
done
exit $found
