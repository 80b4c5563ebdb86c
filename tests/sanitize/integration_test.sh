#!/usr/bin/env bash
# The smoke tier and the integration tests that exercise the most code, run
# with DROVER at the ASan+UBSan binary; any sanitizer report fails the tier.
# SANITIZE_TESTS="tests/integration/x_test.sh ..." overrides the list; "all"
# runs the smoke and integration tiers whole (slower than CI's budget).
source "$(dirname "$0")/lib.sh"
# The default list fits `make test`'s budget (about 6 minutes): the loader,
# executor, templating, file modules, connection, signals and secrets paths.
# text_modules and remote_modules (9 more minutes under the sanitizers)
# run with SANITIZE_TESTS=all.
default_tests="tests/smoke/*_test.*
  tests/integration/playbook_features_test.sh
  tests/integration/modules_test.sh
  tests/integration/connection_api_test.sh
  tests/integration/interrupt_test.sh
  tests/integration/secrets_audit_test.sh
  tests/integration/derived_secret_output_test.sh"
tests=${SANITIZE_TESTS:-$default_tests}
[[ $tests == all ]] && tests="tests/smoke/*_test.* tests/integration/*_test.*"
failed=0
for t in $tests; do
  [[ -x $t ]] || continue
  start=$SECONDS
  if "$t" >"$SAN_LOGS/out" 2>&1; then
    echo "PASS $t ($((SECONDS - start))s)"
  else
    failed=$((failed + 1))
    echo "FAIL $t ($((SECONDS - start))s)"
    tail -n 30 "$SAN_LOGS/out"
  fi
done
rm -f "$SAN_LOGS/out"
san_verdict && [[ $failed -eq 0 ]]
