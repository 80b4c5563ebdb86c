# Sourced by the sanitize tier: runs things against the ASan+UBSan build
# (build-asan, `make asan`) and fails when a sanitizer reported anything.
#   san_verdict        prints every report; fails when there is one
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ASAN_BUILD=${ASAN_BUILD:-build-asan}
[[ -x $ASAN_BUILD/drover ]] || { echo "sanitize: $ASAN_BUILD/drover is missing (make asan)"; exit 1; }
SAN_LOGS=$(mktemp -d /tmp/drover-sanitize-XXXXXX)
trap 'rm -rf "$SAN_LOGS"' EXIT
# Reports go to files, so a test that expects drover to fail still shows
# them; halt_on_error stops at the first ASan error, UBSan goes on.
export ASAN_OPTIONS="log_path=$SAN_LOGS/asan:detect_leaks=1:halt_on_error=1:exitcode=99:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$SAN_LOGS/ubsan:print_stacktrace=1:halt_on_error=0"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0"
export DROVER=$PWD/$ASAN_BUILD/drover
# Tests that bound memory with `ulimit -v` use ASan's hard_rss_limit_mb instead.
export DROVER_SANITIZED=1


san_verdict() {
  local reports
  reports=$(find "$SAN_LOGS" -type f -size +0 | sort)
  if [[ -n $reports ]]; then
    echo "sanitizer reports:"
    for f in $reports; do
      echo "== $f"
      head -n 60 "$f"
    done
    return 1
  fi
  echo "sanitizers: no report"
}
