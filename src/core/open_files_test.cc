#include "core/open_files.h"

#include <doctest/doctest.h>
#include <sys/resource.h>

using namespace drover;

TEST_CASE("RaiseOpenFileLimit lifts the soft limit to the hard one") {
  struct rlimit before {};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &before) == 0);
  if (before.rlim_max == RLIM_INFINITY || before.rlim_max < 128) return;  // nothing to show
  struct rlimit low = before;
  low.rlim_cur = 64;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  CHECK(RaiseOpenFileLimit() == static_cast<long>(before.rlim_max));
  struct rlimit after {};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &after) == 0);
  CHECK(after.rlim_cur == before.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &before);
}
