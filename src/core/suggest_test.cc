#include "core/suggest.h"

#include <doctest/doctest.h>

using namespace drover;

TEST_CASE("did you mean") {
  std::vector<std::string_view> keys = {"name", "when", "notify", "register", "become_user"};
  CHECK(DidYouMean("nmae", keys) == "; did you mean 'name'?");
  CHECK(DidYouMean("regster", keys) == "; did you mean 'register'?");
  CHECK(DidYouMean("become_usr", keys) == "; did you mean 'become_user'?");
  CHECK(DidYouMean("completely_else", keys).empty());
  CHECK(ClosestMatch("x", {}).empty());
}
