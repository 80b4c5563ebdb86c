#include "modules/file_common.h"

#include <doctest/doctest.h>

#include "modules/args.h"
#include "modules/registry.h"

namespace drover::modules {

TEST_CASE("symbolic modes apply as chmod does") {
  CHECK(*ApplySymbolicMode("u=rw,g=r,o=r", 0777, false) == 0644);
  CHECK(*ApplySymbolicMode("u+x", 0644, false) == 0744);
  CHECK(*ApplySymbolicMode("go-w", 0666, false) == 0644);
  CHECK(*ApplySymbolicMode("a+X", 0644, false) == 0644);
  CHECK(*ApplySymbolicMode("a+X", 0644, true) == 0755);
  CHECK(*ApplySymbolicMode("a+X", 0744, false) == 0755);
  CHECK(*ApplySymbolicMode("g=u", 0740, false) == 0770);
  CHECK(*ApplySymbolicMode("u+s,o+t", 0755, false) == 05755);
  CHECK(*ApplySymbolicMode("=r", 0777, false) == 0444);
  CHECK(*ApplySymbolicMode("u=rwx,g=rx,o=", 0, true) == 0750);
  CHECK_FALSE(ApplySymbolicMode("u~x", 0644, false));
  CHECK_FALSE(ApplySymbolicMode("u=rwz", 0644, false));
}

TEST_CASE("modes resolve from ints, octal text and symbolic text") {
  CHECK(**ResolveMode(Value(420), 0, false) == 0644);
  CHECK(**ResolveMode(Value("0644"), 0, false) == 0644);
  CHECK(**ResolveMode(Value("755"), 0, false) == 0755);
  CHECK(**ResolveMode(Value("0o600"), 0, false) == 0600);
  CHECK(**ResolveMode(Value("u+x"), 0600, false) == 0700);
  CHECK_FALSE(ResolveMode(Value(), 0644, false)->has_value());
  CHECK_FALSE(ResolveMode(Value("0999x"), 0, false));
  CHECK(OctalMode(0644) == "0644");
  CHECK(OctalMode(04755) == "4755");
}

TEST_CASE("the stat probe's output parses, absent and present") {
  std::optional<RemoteStat> a = ParseStatOutput("DROVER_STAT|absent\n");
  REQUIRE(a);
  CHECK_FALSE(a->exists);
  std::optional<RemoteStat> s = ParseStatOutput(
      "noise\nDROVER_STAT|81a4|0|0|root|root|1267|1795309238.673984852|1.5|2.5|409635|65024|1|"
      "8|512|da39a3ee5e6b4b0d3255bfef95601890afd80709|\n");
  REQUIRE(s);
  CHECK(s->exists);
  CHECK(s->IsReg());
  CHECK(s->Perms() == 0644);
  CHECK(s->owner == "root");
  CHECK(s->size == 1267);
  CHECK(s->inode == 409635);
  CHECK(s->checksum == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  std::optional<RemoteStat> l =
      ParseStatOutput("DROVER_STAT|a1ff|1|2|u|g|3|1|1|1|5|6|1|0|512||target|with|bars\n");
  REQUIRE(l);
  CHECK(l->IsLink());
  CHECK(l->link_target == "target|with|bars");
  CHECK_FALSE(ParseStatOutput("garbage"));
}

TEST_CASE("unified diffs look like difflib's") {
  CHECK(UnifiedDiff("a\n", "a\n", "f", "f") == "");
  CHECK(UnifiedDiff("", "x\n", "/d", "/s") == "--- before: /d\n+++ after: /s\n@@ -0,0 +1 @@\n+x\n");
  CHECK(UnifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n", "f", "f") ==
        "--- before: f\n+++ after: f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
  CHECK(UnifiedDiff("a", "b", "", "") ==
        "--- before\n+++ after\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline "
        "at end of file\n");
  // Two distant changes make two hunks.
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 || i == 19 ? "x" : std::to_string(i)) + "\n";
  }
  std::string d = UnifiedDiff(a, b, "f", "f");
  CHECK(d.find("@@ -1,5 +1,5 @@") != std::string::npos);
  CHECK(d.find("@@ -16,5 +16,5 @@") != std::string::npos);
}

TEST_CASE("file module arguments parse strictly with Ansible's aliases") {
  const Module* file = FindModule("file");
  REQUIRE(file);
  Result<Map> ok = ParseArgs("file", Map{{"dest", "/x"}, {"state", "directory"}, {"mode", 420}},
                             file->Spec(), {});
  REQUIRE(ok);
  CHECK(ok->find("path")->as_string() == "/x");
  CHECK(ok->find("mode")->as_int() == 420);
  CHECK_FALSE(ParseArgs("file", Map{{"path", "/x"}, {"state", "dir"}}, file->Spec(), {}));
  CHECK_FALSE(ParseArgs("file", Map{{"path", "/x"}, {"bogus", 1}}, file->Spec(), {}));
  const Module* stat = FindModule("stat");
  REQUIRE(stat);
  Result<Map> s =
      ParseArgs("stat", Map{{"path", "/x"}, {"checksum_algo", "sha256"}}, stat->Spec(), {});
  REQUIRE(s);
  CHECK(s->find("checksum_algorithm")->as_string() == "sha256");
  CHECK(s->find("get_checksum")->as_bool());
  CHECK_FALSE(
      ParseArgs("stat", Map{{"path", "/x"}, {"checksum_algorithm", "crc"}}, stat->Spec(), {}));
  const Module* copy = FindModule("copy");
  REQUIRE(copy);
  Result<Map> c =
      ParseArgs("copy", Map{{"content", "x"}, {"dest", "/y"}, {"thirsty", "no"}}, copy->Spec(), {});
  REQUIRE(c);
  CHECK_FALSE(c->find("force")->as_bool());
  CHECK_FALSE(ParseArgs("copy", Map{{"content", "x"}}, copy->Spec(), {}));  // dest required
}

}  // namespace drover::modules
