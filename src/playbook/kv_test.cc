#include "playbook/kv.h"

#include <doctest/doctest.h>

#include "core/json.h"

using namespace drover;
using namespace drover::playbook;

namespace {
std::string Kv(const std::string& text, bool raw = false) {
  Result<Map> r = ParseKeyValues(text, raw);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return ToJson(Value(*r));
}
}  // namespace

// Expected values are what ansible.parsing.splitter.parse_kv returns
// (tests/differential/kv_ansible_test.py checks many more against it).
TEST_CASE("k=v parsing as Ansible's parse_kv") {
  CHECK(Kv("src=a dest=b") == R"({"src": "a", "dest": "b"})");
  CHECK(Kv("msg=\"hello world\" x='y z'") == R"({"msg": "hello world", "x": "y z"})");
  CHECK(Kv("msg={{ a ~ ' b' }}") == R"({"msg": "{{ a ~ ' b' }}"})");
  CHECK(Kv("line='a=b' path=/x") == R"({"line": "a=b", "path": "/x"})");
  CHECK(Kv("chdir=/tmp ls -l", true) == R"({"chdir": "/tmp", "_raw_params": "ls -l"})");
  CHECK(Kv("FOO=bar echo $FOO", true) == R"({"_raw_params": "FOO=bar echo $FOO"})");
  CHECK(Kv("echo \"a  b\"", true) == R"({"_raw_params": "echo \"a  b\""})");
  CHECK(Kv("msg=a\\nb") == R"({"msg": "a\nb"})");
}

TEST_CASE("unbalanced quotes are an error") {
  CHECK_FALSE(ParseKeyValues("msg=\"open", false).ok());
  CHECK_FALSE(ParseKeyValues("msg={{ open", false).ok());
}
