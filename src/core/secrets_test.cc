#include "core/secrets.h"

#include <doctest/doctest.h>

using namespace drover;

TEST_CASE("multi-line secrets are hidden whole and line by line") {
  RegisterSecret("-----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY-----\n");
  CHECK(Redact("x -----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY----- y") == "x ******** y");
  CHECK(Redact("line: AAAABBBBCCCC") == "line: ********");
  CHECK(Redact("nothing here") == "nothing here");
}

TEST_CASE("a short secret is masked as a word of its own, not inside other words") {
  RegisterSecret("sekrit");
  CHECK(Redact("(sekrit)") == "(********)");
  CHECK(Redact("'sekrit' and \"sekrit\"\nsekrit") == "'********' and \"********\"\n********");
  CHECK(Redact("vault_django_sekrit_key") == "vault_django_sekrit_key");
  CHECK(Redact("aws_sekrit_access_key=") == "aws_sekrit_access_key=");
  CHECK(Redact("'sekrits' is undefined") == "'sekrits' is undefined");
  CHECK(Redact("mysekrit sekrit") == "mysekrit ********");
  // Long secrets (16+ characters) are masked wherever they appear.
  RegisterSecret("0123456789abcdefXYZ");
  CHECK(Redact("token_0123456789abcdefXYZ_end") == "token_********_end");
}
