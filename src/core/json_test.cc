#include "core/json.h"

#include <doctest/doctest.h>

using namespace drover;

TEST_CASE("json.dumps shapes") {
  Value v(Map{{"b", List{1, 2.5, true, Value()}}, {"a", "x\"\n\u00e9"}});
  CHECK(ToJson(v) == R"({"b": [1, 2.5, true, null], "a": "x\"\n\u00e9"})");
  JsonStyle sorted;
  sorted.sort_keys = true;
  sorted.indent = 4;
  CHECK(ToJson(v, sorted) ==
        "{\n    \"a\": \"x\\\"\\n\\u00e9\",\n    \"b\": [\n        1,\n        2.5,\n"
        "        true,\n        null\n    ]\n}");
  JsonStyle raw;
  raw.ensure_ascii = false;
  CHECK(ToJson(Value("\u00e9"), raw) == "\"\u00e9\"");
  CHECK(ToJson(Value(Map{})) == "{}");
}

TEST_CASE("Python float repr") {
  CHECK(PythonFloatRepr(1.0) == "1.0");
  CHECK(PythonFloatRepr(0.1) == "0.1");
  CHECK(PythonFloatRepr(1e16) == "1e+16");
  CHECK(PythonFloatRepr(123456789012345.6) == "123456789012345.6");
  CHECK(PythonFloatRepr(1e-5) == "1e-05");
  CHECK(PythonFloatRepr(0.0001) == "0.0001");
  CHECK(PythonFloatRepr(-2.5e-7) == "-2.5e-07");
  CHECK(PythonFloatRepr(1.5e300) == "1.5e+300");
}

TEST_CASE("JSON parsing keeps order and reports positions") {
  Result<Value> r = ParseJson(R"({"z": 1, "a": [true, null, -2.5e1, "\u00e9\ud83d\ude00"]})");
  REQUIRE(r.ok());
  CHECK(ToJson(*r) == R"({"z": 1, "a": [true, null, -25.0, "\u00e9\ud83d\ude00"]})");
  Result<Value> bad = ParseJson("{\"a\": \n  [1,, 2]}", "x.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().where.str() == "x.json:2:6");
}

TEST_CASE("bytes that are not UTF-8 become '?' so the JSON stays valid (as ansible-inventory)") {
  JsonStyle raw;
  raw.ensure_ascii = false;
  CHECK(ToJson(Value(std::string("caf\xe9")), raw) == "\"caf?\"");
  CHECK(ToJson(Value(std::string("\xff\xfeok")), raw) == "\"??ok\"");
  // Overlong, surrogate and truncated sequences are not UTF-8 either.
  CHECK(ToJson(Value(std::string("\xc0\xaf|\xed\xa0\x80|\xe2\x82")), raw) == "\"??|???|??\"");
  // Well-formed multi-byte text passes through.
  CHECK(ToJson(Value(std::string("\u00e9\u20ac\U0001F600")), raw) == "\"\u00e9\u20ac\U0001F600\"");
}
