#!/usr/bin/env bash
# `make fuzz` with a short budget (FUZZ_SECONDS, default 10 s per target here;
# `make fuzz` alone runs 60 s each): every libFuzzer target of fuzz/ from its
# seeds and the repository's test data; fails when a target finds a crash, a
# hang or runaway memory (the input is kept in build-asan/fuzz/findings/).
source "$(dirname "$0")/lib.sh"
start=$SECONDS
# tools/fuzz.sh sets its own sanitizer options (leaks off, reports to stderr).
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
FUZZ_SECONDS=${FUZZ_SECONDS:-10} tools/fuzz.sh "$ASAN_BUILD"
rc=$?
echo "fuzzing: $((SECONDS - start))s"
exit $rc
