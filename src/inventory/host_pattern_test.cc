#include "inventory/host_pattern.h"

#include <doctest/doctest.h>

#include "inventory/ini_source.h"
#include "inventory/test_util.h"

using namespace drover;
using namespace drover::inventory;
using Names = std::vector<std::string>;

namespace {

class Fixture {
 public:
  Fixture() {
    Status s = LoadIniInventory(R"(
solo
[web]
web[1:4].example.com
[db]
db1
db2
[staging]
web1.example.com
db1
[app:children]
web
db
)",
                                "hosts", &inv_);
    REQUIRE(s.ok());
    inv_.Reconcile();
  }
  Names Match(const std::string& pattern, const std::string& limit = "",
              std::vector<Error>* warnings = nullptr) {
    HostMatcher m(&inv_);
    if (!limit.empty()) REQUIRE(m.SetLimit(limit).ok());
    std::vector<Error> local;
    Result<std::vector<Host*>> hosts = m.Match(pattern, warnings ? warnings : &local);
    REQUIRE(hosts.ok());
    Names out;
    for (const Host* h : *hosts) out.push_back(h->name);
    return out;
  }
  Inventory& inv() { return inv_; }

 private:
  Inventory inv_;
};

}  // namespace

TEST_CASE("host patterns: names, groups, unions, intersections, exclusions") {
  Fixture f;
  CHECK(f.Match("all").size() == 7);
  CHECK(f.Match("*").size() == 7);
  CHECK(f.Match("db") == Names{"db1", "db2"});
  CHECK(f.Match("solo") == Names{"solo"});
  CHECK(f.Match("db:solo") == Names{"db1", "db2", "solo"});
  CHECK(f.Match("db,solo") == Names{"db1", "db2", "solo"});
  CHECK(f.Match("app:&staging") == Names{"web1.example.com", "db1"});
  CHECK(f.Match("app:!staging") ==
        Names{"web2.example.com", "web3.example.com", "web4.example.com", "db2"});
  CHECK(f.Match("!staging:app") == f.Match("app:!staging"));  // order of ! does not matter
  CHECK(f.Match("&db") == Names{"db1", "db2"});               // implies all
}

TEST_CASE("host patterns: wildcards, regexes and subscripts") {
  Fixture f;
  CHECK(f.Match("web[12].example.com") == Names{"web1.example.com", "web2.example.com"});
  CHECK(f.Match("*.example.com").size() == 4);
  CHECK(f.Match("d*") == Names{"db1", "db2"});
  CHECK(f.Match("~db[0-9]") == Names{"db1", "db2"});
  CHECK(f.Match("~(web1|solo)") == Names{"solo", "web1.example.com"});
  CHECK(f.Match("web[0]") == Names{"web1.example.com"});
  CHECK(f.Match("web[-1]") == Names{"web4.example.com"});
  CHECK(f.Match("web[1:2]") == Names{"web2.example.com", "web3.example.com"});
  CHECK(f.Match("web[2:]") == Names{"web3.example.com", "web4.example.com"});
  HostMatcher m(&f.inv());
  std::vector<Error> w;
  CHECK_FALSE(m.Match("web[9]", &w).ok());
  CHECK_FALSE(m.Match("~(", &w).ok());
}

TEST_CASE("host patterns: --limit, @retry files, no-match warnings, localhost") {
  Fixture f;
  CHECK(f.Match("app", "db") == Names{"db1", "db2"});
  CHECK(f.Match("all", "staging:!db1") == Names{"web1.example.com"});
  testing::TempTree t;
  std::string retry = t.Write("site.retry", "db2\nsolo\n");
  CHECK(f.Match("all", "@" + retry) == Names{"solo", "db2"});
  HostMatcher m(&f.inv());
  CHECK_FALSE(m.SetLimit("@" + t.Path("missing.retry")).ok());

  std::vector<Error> warnings;
  CHECK(f.Match("nosuch", "", &warnings).empty());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message == "Could not match supplied host pattern, ignoring: nosuch");

  warnings.clear();
  Names local = f.Match("localhost", "", &warnings);
  CHECK(local == Names{"localhost"});
  CHECK(warnings.empty());
  CHECK(f.inv().implicit_localhost() != nullptr);
  CHECK(f.Match("all").size() == 7);  // the implicit host is not in `all`
}

TEST_CASE("SplitHostPattern keeps addresses and ranges whole") {
  CHECK(SplitHostPattern("a,b[1], c[2:3] , d") == Names{"a", "b[1]", "c[2:3]", "d"});
  CHECK(SplitHostPattern("a:b:&c:!d") == Names{"a", "b", "&c", "!d"});
  CHECK(SplitHostPattern("web[1:3]") == Names{"web[1:3]"});
  CHECK(SplitHostPattern("2001:db8::1") == Names{"2001:db8::1"});
}
