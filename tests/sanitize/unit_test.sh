#!/usr/bin/env bash
# The unit tier (doctest) built with ASan+UBSan.
source "$(dirname "$0")/lib.sh"
start=$SECONDS
meson test -C "$ASAN_BUILD" --print-errorlogs -q
rc=$?
echo "unit tests under ASan+UBSan: $((SECONDS - start))s"
san_verdict && [[ $rc -eq 0 ]]
