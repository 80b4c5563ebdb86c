#include "executor/dynamic_inventory.h"

#include <doctest/doctest.h>

namespace drover::executor {

namespace {

std::vector<std::string> Names(const std::vector<inventory::Host*>& hosts) {
  std::vector<std::string> out;
  for (const inventory::Host* h : hosts) out.push_back(h->name);
  return out;
}

}  // namespace

TEST_CASE("add_host's result is Ansible's: name, groups and the other keys as host vars") {
  Map r = AddHostAction(Map{{"name", "web9:2222"}, {"groups", "a, b,a"}, {"x", 1}, {"host", "h"}});
  const Map& info = r.find("add_host")->as_map();
  CHECK(info.find("host_name")->as_string() == "web9");
  CHECK(*info.find("groups") == Value(List{Value("a"), Value("b")}));
  const Map& vars = info.find("host_vars")->as_map();
  CHECK(vars.find("ansible_ssh_port")->as_int() == 2222);
  CHECK(vars.find("x")->as_int() == 1);
  CHECK(vars.find("host")->as_string() == "h");  // as in Ansible: not a special key
  CHECK(!vars.contains("groups"));
  CHECK(AddHostAction(Map{{"groups", "a"}}).contains("failed"));
}

TEST_CASE("add_host adds a host once, then changes only what differs") {
  inventory::Inventory inv;
  inv.AddHost("h1", inv.AddGroup("web"));
  inv.Reconcile();
  Map info = AddHostAction(Map{{"name", "new"}, {"groups", "dyn"}, {"ansible_host", "10.0.0.9"}})
                 .find("add_host")
                 ->as_map();
  CHECK(*ApplyAddHost(inv, info) == true);
  CHECK(*ApplyAddHost(inv, info) == false);
  CHECK(Names(inv.GroupHosts(*inv.FindGroup("dyn"))) == std::vector<std::string>{"new"});
  // As in Ansible, a dynamic host is a direct member of `all`, so listed first.
  CHECK(Names(inv.GroupHosts(*inv.all())) == std::vector<std::string>{"new", "h1"});
  CHECK(inv.FindHost("new")->vars->find("ansible_host")->as_string() == "10.0.0.9");
  Map other =
      AddHostAction(Map{{"name", "new"}, {"ansible_host", "10.0.0.10"}}).find("add_host")->as_map();
  CHECK(*ApplyAddHost(inv, other) == true);
  CHECK(inv.FindHost("new")->vars->find("ansible_host")->as_string() == "10.0.0.10");
}

TEST_CASE("group_by puts the host in the group under its parents") {
  inventory::Inventory inv;
  inventory::Host* h1 = inv.AddHost("h1", inv.AddGroup("web"));
  inv.Reconcile();
  Map r = GroupByAction(Map{{"key", "os debian"}, {"parents", "linux"}});
  CHECK(r.find("add_group")->as_string() == "os-debian");
  CHECK(*ApplyAddGroup(inv, *h1, r) == true);
  CHECK(*ApplyAddGroup(inv, *h1, r) == false);
  CHECK(Names(inv.GroupHosts(*inv.FindGroup("linux"))) == std::vector<std::string>{"h1"});
  Map d = GroupByAction(Map{{"key", "web"}});
  CHECK(*d.find("parent_groups") == Value(List{Value("all")}));
  CHECK(*ApplyAddGroup(inv, *h1, d) == false);  // already a member, already under all
  CHECK(GroupByAction(Map{}).contains("failed"));
  CHECK(GroupByAction(Map{{"key", "x"}, {"bogus", 1}}).contains("failed"));
}

}  // namespace drover::executor
