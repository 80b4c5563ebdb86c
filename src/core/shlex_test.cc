#include "core/shlex.h"

#include <doctest/doctest.h>

namespace drover {
namespace {

using Words = std::vector<std::string>;

// Expected values are Python 3's shlex.split output for the same input.
TEST_CASE("ShlexSplit splits as Python's shlex.split in POSIX mode") {
  CHECK(ShlexSplit("a 'b c' \"d \\\"e\\\"\" f\\ g  ").value() ==
        Words{"a", "b c", "d \"e\"", "f g"});
  CHECK(ShlexSplit("").value().empty());
  CHECK(ShlexSplit("''").value() == Words{""});
  CHECK(ShlexSplit("a\t b\r\nc").value() == Words{"a", "b", "c"});
  CHECK(ShlexSplit("x'y'\"z\"").value() == Words{"xyz"});
}

TEST_CASE("ShlexSplit keeps a backslash before $ and ` inside double quotes") {
  // shlex.split('"a\\$b" c\\$d "e\\`f"') == ['a\\$b', 'c$d', 'e\\`f']
  CHECK(ShlexSplit("\"a\\$b\" c\\$d \"e\\`f\"").value() == Words{"a\\$b", "c$d", "e\\`f"});
  CHECK(ShlexSplit("'a\\b'").value() == Words{"a\\b"});
}

TEST_CASE("ShlexSplit treats # as a comment only when asked") {
  // shlex.split('a # b') and shlex.split('a#b c # d\ne', comments=True)
  CHECK(ShlexSplit("a # b").value() == Words{"a", "#", "b"});
  CHECK(ShlexSplit("a#b c # d\ne", {.comments = true}).value() == Words{"a", "e"});
  CHECK(ShlexSplit("'#x'", {.comments = true}).value() == Words{"#x"});
}

TEST_CASE("ShlexSplit fails as shlex does") {
  CHECK(ShlexSplit("'unclosed").error().message == "No closing quotation");
  CHECK(ShlexSplit("\"unclosed").error().message == "No closing quotation");
  CHECK(ShlexSplit("trailing\\").error().message == "No escaped character");
}

}  // namespace
}  // namespace drover
