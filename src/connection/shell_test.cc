#include "connection/shell.h"

#include <doctest/doctest.h>

#include "connection/local_connection.h"

namespace drover::connection {

TEST_CASE("ShellQuote leaves safe words and quotes the rest") {
  CHECK(ShellQuote("") == "''");
  CHECK(ShellQuote("abc/def-1.2") == "abc/def-1.2");
  CHECK(ShellQuote("a b") == "'a b'");
  CHECK(ShellQuote("it's") == "'it'\"'\"'s'");
  CHECK(ShellQuote("$HOME") == "'$HOME'");
  CHECK(ShellQuote("~") == "'~'");
}

TEST_CASE("ShellQuote round-trips through a real sh") {
  for (std::string word :
       {"plain", "with space", "it's", "$(id)", "`x`", "a\nb", "*", "\\", "\"q\"", "-n", ""}) {
    auto r = RunLocalShell("printf %s " + ShellQuote(word), nullptr);
    REQUIRE(r.ok());
    CHECK(r->stdout_data == word);
  }
}

TEST_CASE("ShellSplit follows shlex.split") {
  auto w = ShellSplit("a 'b c' \"d \\\"e\\\"\" f\\ g  ");
  REQUIRE(w.ok());
  CHECK(*w == std::vector<std::string>{"a", "b c", "d \"e\"", "f g"});
  CHECK(ShellSplit("-o 'UserKnownHostsFile=/tmp/k h'")->at(1) == "UserKnownHostsFile=/tmp/k h");
  CHECK(ShellSplit("").value().empty());
  CHECK_FALSE(ShellSplit("'unclosed").ok());
  CHECK_FALSE(ShellSplit("\"unclosed").ok());
}

TEST_CASE("WithEnvironment exports quoted values") {
  auto r = RunLocalShell(
      WithEnvironment("printf '%s|%s' \"$A\" \"$B\"", {{"A", "x y"}, {"B", "'"}}), nullptr);
  REQUIRE(r.ok());
  CHECK(r->stdout_data == "x y|'");
}

}  // namespace drover::connection
