#include "executor/lookups.h"

#include <doctest/doctest.h>

namespace drover::executor {

namespace {

Result<Value> Run(const std::string& name, List args, Map kwargs = {}, bool wantlist = false,
                  std::vector<std::string>* warnings = nullptr) {
  static const tmpl::MapScope scope(Value(Map{{"who", "x"}}));
  return RunLookup(name, args, kwargs, wantlist, scope, LookupContext{},
                   [warnings](const std::string& w) {
                     if (warnings) warnings->push_back(w);
                   });
}

}  // namespace

TEST_CASE("lookup() joins string results with commas; query() keeps the list") {
  CHECK(Run("list", {Value("a"), Value("b")})->as_string() == "a,b");
  CHECK(Run("ansible.builtin.list", {Value("a"), Value("b")}, {}, true)->as_list().size() == 2);
  // One non-string result is returned as is; several stay a list.
  CHECK(Run("items", {Value(List{Value(1)})})->as_int() == 1);
  CHECK(Run("items", {Value(List{Value(1), Value(2)})})->as_list().size() == 2);
}

TEST_CASE("errors= strict fails, warn warns, ignore returns None or []") {
  Result<Value> strict = Run("first_found", {Value("no/such/file")});
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.error().message == "No file was found when using first_found.");
  std::vector<std::string> warnings;
  Result<Value> warned =
      Run("first_found", {Value("no/such/file")}, Map{{"errors", "warn"}}, false, &warnings);
  REQUIRE(warned.ok());
  CHECK(warned->is_null());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("Lookup failed but the error is being ignored") == 0);
  CHECK(Run("file", {Value("no/such/file")}, Map{{"errors", "ignore"}}, true)->as_list().empty());
  Result<Value> unhandled = Run("file", {Value("no/such/file")});
  REQUIRE_FALSE(unhandled.ok());
  CHECK(unhandled.error().message.find("An unhandled exception occurred while running the lookup "
                                       "plugin 'file'") == 0);
}

TEST_CASE("an unknown plugin is named; with_<name> knows the implemented ones") {
  Result<Value> r = Run("nope", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "lookup plugin (nope) not found");
  CHECK(IsLookupPlugin("ansible.builtin.password"));
  CHECK_FALSE(IsLookupPlugin("nope"));
}

TEST_CASE("sequence: key=value and shortcut forms, format, count") {
  List r = Run("sequence", {Value("start=2 end=6 stride=2 format=n%02d")}, {}, true)->as_list();
  REQUIRE(r.size() == 3);
  CHECK(r[2].as_string() == "n06");
  CHECK(Run("sequence", {Value("3-1/-1")}, {}, true)->as_list().size() == 3);
  CHECK(Run("sequence", {Value("count=0")}, {}, true)->as_list().empty());
  CHECK_FALSE(Run("sequence", {Value("start=5 end=1")}).ok());
}

TEST_CASE("subelements removes the sub-key from the parent, as Ansible pops it") {
  Value users(List{Value(Map{{"name", "a"}, {"keys", Value(List{Value("k1"), Value("k2")})}})});
  List r = Run("subelements", {users, Value("keys")}, {}, true)->as_list();
  REQUIRE(r.size() == 2);
  CHECK_FALSE(r[0].as_list()[0].as_map().contains("keys"));
  CHECK(users.as_list()[0].as_map().contains("keys"));  // the caller's data is intact
}

}  // namespace drover::executor
