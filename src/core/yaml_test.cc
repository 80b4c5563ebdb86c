#include "core/yaml.h"

#include <doctest/doctest.h>

#include <cmath>

#include "core/json.h"

using namespace drover;

namespace {
Value Load(const std::string& text, Warnings* w = nullptr) {
  Result<Value> r = LoadYaml(text, "t.yml", w);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().full()));
  return *r;
}
// The value of key `v` in a one-line document "v: <scalar>".
Value Scalar(const std::string& scalar) {
  return *Load("v: " + scalar).as_map().find("v");
}
}  // namespace

// Each row was checked against python3 -c 'import yaml; yaml.safe_load(...)'
// (PyYAML 6.0, the loader under Ansible); tests/differential/yaml_pyyaml.sh
// re-checks the whole corpus against the installed PyYAML on every run.
TEST_CASE("YAML 1.1 integers as PyYAML resolves them") {
  struct Row {
    const char* text;
    int64_t want;
  };
  for (Row r :
       {Row{"0644", 420}, Row{"0x1F", 31}, Row{"0b101", 5}, Row{"1_000", 1000}, Row{"-17", -17},
        Row{"+3", 3}, Row{"0", 0}, Row{"1:30", 90}, Row{"-0755", -493}, Row{"00", 0}}) {
    CAPTURE(r.text);
    Value v = Scalar(r.text);
    REQUIRE(v.is_int());
    CHECK(v.as_int() == r.want);
  }
}

TEST_CASE("YAML 1.1 strings that look numeric stay strings") {
  for (const char* text : {"0o644", "08", "0xZZ", "1e3", "1.2.3", "12:00:00x", "0b2", "v1"}) {
    CAPTURE(text);
    Value v = Scalar(text);
    REQUIRE(v.is_string());
    CHECK(v.as_string() == text);
  }
}

TEST_CASE("YAML 1.1 floats") {
  CHECK(Scalar("1.5").as_float() == 1.5);
  CHECK(Scalar("1.0e+3").as_float() == 1000.0);
  CHECK(Scalar(".5").as_float() == 0.5);
  CHECK(Scalar("1_0.5").as_float() == 10.5);
  CHECK(Scalar("3.").as_float() == 3.0);
  CHECK(std::isinf(Scalar(".inf").as_float()));
  CHECK(Scalar("-.Inf").as_float() < 0);
  CHECK(std::isnan(Scalar(".NaN").as_float()));
  CHECK(Scalar("1:30.5").as_float() == 90.5);
}

TEST_CASE("YAML 1.1 booleans, and the words that are not") {
  for (const char* t : {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
    CAPTURE(t);
    Value v = Scalar(t);
    REQUIRE(v.is_bool());
    CHECK(v.as_bool());
  }
  for (const char* t : {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
    CAPTURE(t);
    Value v = Scalar(t);
    REQUIRE(v.is_bool());
    CHECK_FALSE(v.as_bool());
  }
  for (const char* t : {"y", "n", "Y", "N", "yEs", "tRUE", "oN"}) {
    CAPTURE(t);
    CHECK(Scalar(t).is_string());
  }
}

TEST_CASE("nulls and quoted scalars") {
  CHECK(Scalar("~").is_null());
  CHECK(Scalar("null").is_null());
  CHECK(Scalar("Null").is_null());
  CHECK(Scalar("NULL").is_null());
  CHECK(Load("v:").as_map().find("v")->is_null());
  CHECK(Scalar("nULL").is_string());
  for (const char* q : {"'0644'", "\"yes\"", "'~'", "\"1.5\"", "''"}) {
    CAPTURE(q);
    CHECK(Scalar(q).is_string());
  }
  CHECK(Scalar("'0644'").as_string() == "0644");
  CHECK(Load("").is_null());
}

TEST_CASE("explicit tags") {
  CHECK(Scalar("!!str 0644").as_string() == "0644");
  CHECK(Scalar("!!int \"12\"").as_int() == 12);
  CHECK(Scalar("!!float '2.5'").as_float() == 2.5);
  Value u = Scalar("!unsafe '{{ lookup(\"pipe\", \"id\") }}'");
  CHECK(u.is_unsafe());
  CHECK(u.as_string() == "{{ lookup(\"pipe\", \"id\") }}");
  Value v = Load("secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3132\n").as_map()["secret"];
  CHECK(v.is_vault());
  CHECK(v.vault_envelope() == "$ANSIBLE_VAULT;1.1;AES256\n3132\n");
  CHECK_FALSE(LoadYaml("a: !python/object x", "t.yml").ok());
}

TEST_CASE("anchors, aliases and merge keys as PyYAML") {
  Value doc = Load(
      "base: &b {a: 1, b: 2}\n"
      "other: &o {b: 20, z: 26}\n"
      "x:\n  c: 3\n  <<: *b\n  a: 9\n"
      "y:\n  <<: [*b, *o]\n"
      "list: &l [1, 2]\n"
      "again: *l\n");
  const Map& x = doc.as_map()["x"].as_map();
  std::vector<std::string> keys;
  for (const auto& [k, v] : x) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"a", "b", "c"});
  CHECK(x.find("a")->as_int() == 9);
  // In a merge list, the earlier mapping wins; keys of later ones come first.
  CHECK(ToJson(doc.as_map()["y"]) == R"({"b": 2, "z": 26, "a": 1})");
  CHECK(ToJson(doc.as_map()["again"]) == "[1, 2]");
}

TEST_CASE("aliases that expand without bound (billion laughs) are refused with the file") {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  Result<Value> r = LoadYaml(text, "laughs.yml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("YAML aliases expand to more than 1000000 nodes") == 0);
  CHECK(r.error().where.str().rfind("laughs.yml:", 0) == 0);
  // Four levels (about 10^5 nodes) are within the bound.
  std::string five = text.substr(0, text.find("a5:"));
  CHECK(LoadYaml(five, "ok.yml").ok());
}

TEST_CASE("duplicate keys warn and the last wins") {
  Warnings w;
  Value doc = Load("a: 1\nb: 2\na: 3\n", &w);
  CHECK(doc.as_map().find("a")->as_int() == 3);
  REQUIRE(w.size() == 1);
  CHECK(w[0].headline() ==
        "t.yml:3:1: found a duplicate dict key (a); using last defined value only");
}

TEST_CASE("locations are 1-based file:line:col") {
  Value doc = Load("top:\n  - name: x\n    when: y\n");
  const Value& task = doc.as_map()["top"].as_list()[0];
  CHECK(task.as_map().find("when")->where().str() == "t.yml:3:11");
}

TEST_CASE("a syntax error names line and column and shows a caret") {
  Result<Value> r = LoadYaml("a: 1\nb: [1, 2\nc: 3\n", "broken.yml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().where.str().rfind("broken.yml:", 0) == 0);
  CHECK(r.error().where.line >= 2);

  Result<Value> bad_indent = LoadYaml("a:\n  b: 1\n c: 2\n", "indent.yml");
  REQUIRE_FALSE(bad_indent.ok());
  CHECK(bad_indent.error().where.str() == "indent.yml:3:2");
  CHECK(bad_indent.error().detail == " c: 2\n ^");
}

TEST_CASE("a missing file is an error naming it") {
  Result<Value> r = LoadYamlFile("/nonexistent/x.yml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("/nonexistent/x.yml") != std::string::npos);
}
