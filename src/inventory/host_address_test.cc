#include "inventory/host_address.h"

#include <doctest/doctest.h>

using namespace drover::inventory;
using Names = std::vector<std::string>;

TEST_CASE("numeric, zero-padded, stepped, alphabetic and nested ranges") {
  CHECK(*ExpandHostRange("web[01:03].example.com") ==
        Names{"web01.example.com", "web02.example.com", "web03.example.com"});
  CHECK(*ExpandHostRange("web[1:3]") == Names{"web1", "web2", "web3"});
  CHECK(*ExpandHostRange("db[1:6:2]-node") == Names{"db1-node", "db3-node", "db5-node"});
  CHECK(*ExpandHostRange("db-[a:c]") == Names{"db-a", "db-b", "db-c"});
  CHECK(*ExpandHostRange("h[1:2]-[a:b]") == Names{"h1-a", "h1-b", "h2-a", "h2-b"});
  CHECK(*ExpandHostRange("x[:2]") == Names{"x0", "x1", "x2"});
}

TEST_CASE("malformed ranges fail with Ansible's messages") {
  CHECK(ExpandHostRange("web[1:]").error().message == "host range must specify end value");
  CHECK(ExpandHostRange("web[01:3]").error().message ==
        "host range must specify equal-length begin and end formats");
  CHECK(ExpandHostRange("web[c:a]").error().message == "host range must have begin <= end");
  CHECK(ExpandHostRange("web[1]").error().message ==
        "host range must be begin:end or begin:end:step");
  CHECK_FALSE(ExpandHostRange("web[a:5]").ok());
}

TEST_CASE("addresses with ports") {
  auto a = ParseAddress("web1.example.com:2222", false);
  REQUIRE(a);
  CHECK(a->host == "web1.example.com");
  CHECK(a->port == 2222);
  auto v6 = ParseAddress("[2001:db8::1]:22", false);
  REQUIRE(v6);
  CHECK(v6->host == "2001:db8::1");
  CHECK(v6->port == 22);
  CHECK(ParseAddress("::1", false)->host == "::1");
  CHECK_FALSE(ParseAddress("web[1:3]", false));
  CHECK(ParseAddress("web[1:3]:22", true)->port == 22);
  CHECK_FALSE(ParseAddress("not a host", false));

  auto e = ExpandHostPattern("web[1:2]:2200");
  REQUIRE(e.ok());
  CHECK(e->hosts == Names{"web1", "web2"});
  CHECK(e->port == 2200);
  // Not an address: taken literally.
  CHECK(ExpandHostPattern("we!rd")->hosts == Names{"we!rd"});
}
