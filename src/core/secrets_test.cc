#include "core/secrets.h"

#include <doctest/doctest.h>

using namespace drover;

TEST_CASE("multi-line secrets are hidden whole and line by line") {
  RegisterSecret("-----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY-----\n");
  CHECK(Redact("x -----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY----- y") == "x ******** y");
  CHECK(Redact("line: AAAABBBBCCCC") == "line: ********");
  CHECK(Redact("nothing here") == "nothing here");
}
