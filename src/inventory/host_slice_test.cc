#include "inventory/host_slice.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>

#include "inventory/host_pattern.h"
#include "inventory/ini_source.h"

using namespace drover;
using namespace drover::inventory;

namespace {

std::vector<std::string> MatchedNames(HostMatcher& m, std::string_view pattern,
                                      bool ignore_limit = false) {
  std::vector<Error> warnings;
  Result<std::vector<Host*>> hosts = m.Match(pattern, &warnings, ignore_limit);
  std::vector<std::string> names;
  if (!hosts.ok()) return names;
  for (const Host* h : hosts.value()) names.push_back(h->name);
  return names;
}

}  // namespace

TEST_CASE("--slice K/N is parsed strictly") {
  Result<HostSlice> s = ParseHostSlice("2/4");
  REQUIRE(s.ok());
  CHECK(s->index == 2);
  CHECK(s->count == 4);
  CHECK(ParseHostSlice("1/1").ok());
  for (const char* bad : {"", "2", "/4", "2/", "0/4", "5/4", "-1/4", "+1/4", " 1/4", "1/4 ",
                          "1/4/5", "a/4", "1.0/4", "1/0", "1/99999999999"}) {
    Result<HostSlice> r = ParseHostSlice(bad);
    CHECK_MESSAGE(!r.ok(), bad);
    if (!r.ok()) CHECK(r.error().message.find("invalid --slice") == 0);
  }
}

TEST_CASE("a host's slice is sha1(name) mod N + 1, whatever the other hosts") {
  // python3 -c 'import hashlib; print(int(hashlib.sha1(b"web1").hexdigest()[:16], 16) % 4 + 1)'
  CHECK(SliceOfHost("web1", 4) == 1);
  CHECK(SliceOfHost("db1", 4) == 2);
  CHECK(SliceOfHost("localhost", 4) == 4);
  CHECK(SliceOfHost("web1", 1) == 1);
}

TEST_CASE("HostMatcher --slice: every host in exactly one slice, stable under reordering") {
  auto load = [](const std::string& text) {
    auto inv = std::make_unique<Inventory>();
    REQUIRE(LoadIniInventory(text, "hosts", inv.get()).ok());
    inv->Reconcile();
    return inv;
  };
  std::string forward = "[web]\n", backward = "[web]\n";
  for (int i = 1; i <= 30; ++i) forward += "h" + std::to_string(i) + "\n";
  for (int i = 30; i >= 1; --i) backward += "h" + std::to_string(i) + "\n";
  auto a = load(forward), b = load(backward);
  std::map<std::string, int> slice_of;
  for (int k = 1; k <= 4; ++k) {
    HostMatcher ma(a.get()), mb(b.get());
    ma.SetSlice({k, 4});
    mb.SetSlice({k, 4});
    std::vector<std::string> a_names = MatchedNames(ma, "web"), b_names = MatchedNames(mb, "all");
    std::set<std::string> in_a(a_names.begin(), a_names.end()),
        in_b(b_names.begin(), b_names.end());
    CHECK(in_a == in_b);
    for (const std::string& n : in_a) {
      CHECK(slice_of.count(n) == 0);
      slice_of[n] = k;
      CHECK(SliceOfHost(n, 4) == k);
    }
    CHECK(MatchedNames(ma, "web", /*ignore_limit=*/true).size() == 30);
  }
  CHECK(slice_of.size() == 30);
}

TEST_CASE("HostMatcher --slice: the limit first; hosts added later are not sliced") {
  Inventory inv;
  REQUIRE(LoadIniInventory("web1\nweb2\ndb1\n", "hosts", &inv).ok());
  inv.Reconcile();
  HostMatcher m(&inv);
  REQUIRE(m.SetLimit("web1,db1").ok());
  m.SetSlice({SliceOfHost("web1", 4), 4});
  auto names = [&](std::string_view pattern) { return MatchedNames(m, pattern); };
  CHECK(names("all") ==
        std::vector<std::string>{"web1"});  // db1 is in slice 2; web2 is not in the limit
  inv.AddHost("added", inv.all());
  REQUIRE(m.SetLimit("all").ok());
  CHECK(names("added") == std::vector<std::string>{"added"});
  CHECK(names("localhost").empty());  // the implicit localhost is sliced too (slice 4)
}
