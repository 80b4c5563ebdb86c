#include "inventory/ini_source.h"

#include <doctest/doctest.h>

#include "core/json.h"

using namespace drover;
using namespace drover::inventory;

namespace {

std::vector<std::string> HostNames(const std::vector<Host*>& hosts) {
  std::vector<std::string> out;
  for (const Host* h : hosts) out.push_back(h->name);
  return out;
}

}  // namespace

TEST_CASE("INI: groups, children declared later, vars, ungrouped hosts") {
  Inventory inv;
  Status s = LoadIniInventory(R"(
top1 ansible_host=10.0.0.1   # comment
; comment
[dc:children]
west
[west]
w1:2222 role=api list="[1, 2]"
w[2:3]
[west:vars]
tz = UTC
[all:vars]
a = 1
)",
                              "hosts", &inv);
  REQUIRE(s.ok());
  inv.Reconcile();
  Group* dc = inv.FindGroup("dc");
  Group* west = inv.FindGroup("west");
  REQUIRE(dc);
  REQUIRE(west);
  CHECK(dc->children == std::vector<Group*>{west});
  CHECK(west->depth == 2);  // all -> dc -> west
  CHECK(HostNames(inv.GroupHosts(*dc)) == std::vector<std::string>{"w1", "w2", "w3"});
  CHECK(HostNames(inv.ungrouped()->hosts) == std::vector<std::string>{"top1"});
  Host* w1 = inv.FindHost("w1");
  CHECK(ToJson(Value(*w1->vars)) == R"({"ansible_port": 2222, "role": "api", "list": [1, 2]})");
  CHECK(west->vars->find("tz")->as_string() == "UTC");
  CHECK(inv.all()->vars->find("a")->as_int() == 1);
  CHECK(inv.FindHost("top1")->vars->find("ansible_host")->as_string() == "10.0.0.1");
  // group_names-relevant membership includes ancestors.
  CHECK(w1->groups.size() == 3);
}

TEST_CASE("INI errors name the file and line") {
  auto error_of = [](const std::string& text) {
    Inventory inv;
    Status s = LoadIniInventory(text, "inv.ini", &inv);
    REQUIRE_FALSE(s.ok());
    return s.error().headline();
  };
  CHECK(error_of("[web]\nw1\n[prod:children]\nweb\nnosuch\n") ==
        "inv.ini:5: Section [prod:children] includes undefined group: nosuch");
  CHECK(error_of("[ghost:vars]\nx=1\n") ==
        "inv.ini:1: Section [ghost:vars] not valid for undefined group: ghost");
  CHECK(error_of("[web]\nweb[1:]\n") ==
        "inv.ini:2: host range must specify end value (in 'web[1:]')");
  CHECK(error_of("[web]\nweb[01:3].x\n") ==
        "inv.ini:2: host range must specify equal-length begin and end formats (in "
        "'web[01:3].x')");
  CHECK(error_of("[web:bogus]\n") == "inv.ini:1: Section [web:bogus] has unknown type: bogus");
  CHECK(error_of("\n[web]\nh1 novalue\n") ==
        "inv.ini:3: Expected key=value host variable assignment, got: novalue");
  CHECK(error_of("[web]\nh1 x='unterminated\n") ==
        "inv.ini:2: Error parsing host definition 'h1 x='unterminated': No closing quotation");
  CHECK(error_of("[web:vars]\nnovalue\n[web]\n") == "inv.ini:2: Expected key=value, got: novalue");
  CHECK(error_of("[web group]\n").find("inv.ini:1: Invalid section entry") == 0);
  CHECK(error_of("[a:children]\nb\n[b:children]\na\n").find("recursive dependency loop") !=
        std::string::npos);
}
