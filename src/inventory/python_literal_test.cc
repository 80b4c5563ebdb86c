#include "inventory/python_literal.h"

#include <doctest/doctest.h>

#include "core/json.h"

using namespace drover;
using drover::inventory::ParseIniValue;

namespace {
std::string J(std::string_view text) {
  return ToJson(ParseIniValue(text));
}
}  // namespace

TEST_CASE("INI values go through Python's literal_eval") {
  CHECK(J("1") == "1");
  CHECK(J("-3") == "-3");
  CHECK(J("1.5") == "1.5");
  CHECK(J("1e3") == "1000.0");
  CHECK(J("0x1F") == "31");
  CHECK(J("0o17") == "15");
  CHECK(J("0b101") == "5");
  CHECK(J("1_000") == "1000");
  CHECK(J("True") == "true");
  CHECK(J("None") == "null");
  CHECK(J("'quoted'") == "\"quoted\"");
  CHECK(J("\"a\" 'b'") == "\"ab\"");
  CHECK(J("'tab\\there'") == "\"tab\\there\"");
  CHECK(J("r'raw\\n'") == "\"raw\\\\n\"");
  CHECK(J("[1, 'two', 3.0]") == "[1, \"two\", 3.0]");
  CHECK(J("(1,)") == "[1]");
  CHECK(J("(1)") == "1");
  CHECK(J("{'a': [1, {'b': None}]}") == "{\"a\": [1, {\"b\": null}]}");
  CHECK(J("42 # a comment") == "42");
}

TEST_CASE("values that are not Python literals stay strings") {
  CHECK(J("hello") == "\"hello\"");
  CHECK(J("true") == "\"true\"");
  CHECK(J("hello world") == "\"hello world\"");
  CHECK(J("a # b") == "\"a # b\"");
  CHECK(J("0755") == "\"0755\"");  // Python 3 rejects leading zeros
  CHECK(J("1j") == "\"1j\"");      // complex: not representable
  CHECK(J("{1, 2}") == "\"{1, 2}\"");
  CHECK(J("[1, 2") == "\"[1, 2\"");
  CHECK(J("'unterminated") == "\"'unterminated\"");
  CHECK(J("") == "\"\"");
  CHECK(J("-'a'") == "\"-'a'\"");
  CHECK(J("99999999999999999999999") == "\"99999999999999999999999\"");
}
