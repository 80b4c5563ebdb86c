# shellcheck shell=bash
# Sourced by e2e module tests: batching (issue 21 section 2) changes round
# trips, never what a run prints.
#   same_without_batching COMMAND...
# Call it right after a no-change run whose output is in $S/out (batching
# on, drover's default). Runs COMMAND, which must write its output to
# $S/out, with DROVER_BATCH=0, and checks (with the test's own `check`)
# that both outputs are equal once durations are removed. Leaves the
# batched run's output in $S/out.
without_durations() {
  sed -E -e 's/[0-9]+\.[0-9]+ ?m?s\b/X/g' -e 's/"(start|end|delta)": "[^"]*"/"\1": X/g' "$1"
}
same_without_batching() {
  cp "$S/out" "$S/out.batched"
  export DROVER_BATCH=0
  "$@"
  unset DROVER_BATCH
  without_durations "$S/out" >"$S/out.unbatched.cmp"
  without_durations "$S/out.batched" >"$S/out.batched.cmp"
  check "the no-change run prints the same with batching off ($(diff "$S/out.unbatched.cmp" "$S/out.batched.cmp" | head -n 6 | tr '\n' ' '))" \
    cmp -s "$S/out.unbatched.cmp" "$S/out.batched.cmp"
  cp "$S/out.batched" "$S/out"
}
