#include "vars/inventory_vars.h"

#include <doctest/doctest.h>

#include "inventory/sources.h"
#include "inventory/test_util.h"
#include "vars/extra_vars.h"
#include "vars/vars_file.h"

using namespace drover;
using namespace drover::vars;

TEST_CASE("groups merge by depth, then ansible_group_priority, then name") {
  testing::TempTree t;
  std::string hosts = t.Write("inv/hosts", R"(
[parent:children]
child
[child]
h1
[b_sib]
h1
[a_sib]
h1
[a_sib:vars]
ansible_group_priority=3
)");
  Result<inventory::Inventory> inv = inventory::LoadInventory({hosts});
  REQUIRE(inv.ok());
  std::vector<const inventory::Group*> groups;
  for (const inventory::Group* g : inv->FindHost("h1")->groups) {
    if (g->name != "all") groups.push_back(g);
  }
  std::vector<std::string> names;
  for (const inventory::Group* g : SortGroups(groups)) names.push_back(g->name);
  CHECK(names == std::vector<std::string>{"b_sib", "parent", "a_sib", "child"});
}

TEST_CASE("group_vars/host_vars files and directories fill their layers") {
  testing::TempTree t;
  std::string hosts = t.Write("inv/hosts", "[web]\nweb1 v=inv_host\n[web:vars]\nv=inv_group\n");
  t.Write("inv/group_vars/all.yml", "v: gv_all\nall_only: 1\n");
  t.Write("inv/group_vars/web/01.yml", "v: gv_web_01\nd: {a: 1}\n");
  t.Write("inv/group_vars/web/02.yml", "d: {b: 2}\n");
  t.Write("inv/host_vars/web1", "hv: 1\n");
  t.Write("pb/group_vars/web.yml", "v: pb_gv_web\n");
  Result<inventory::Inventory> inv = inventory::LoadInventory({hosts});
  REQUIRE(inv.ok());
  InventoryVars iv(*inv);
  iv.AddPlaybookDir(t.Path("pb"));
  VarScope scope;
  REQUIRE(iv.AddHostLayers(*inv->FindHost("web1"), &scope).ok());
  CHECK(scope.Find("v")->as_string() == "inv_host");
  Layer layer;
  REQUIRE(scope.FindLayer("all_only", &layer));
  CHECK(layer == Layer::kInventoryGroupVarsAllFiles);
  REQUIRE(scope.FindLayer("hv", &layer));
  CHECK(layer == Layer::kInventoryHostVarsFiles);
  // Files of a directory merge in sorted order, dicts replaced.
  CHECK(scope.Find("d")->as_map().size() == 1);
  CHECK(scope.Find("d")->as_map().contains("b"));
  // Magic variables from the inventory.
  CHECK(scope.Find("inventory_hostname")->as_string() == "web1");
  CHECK(scope.Find("inventory_hostname_short")->as_string() == "web1");
  CHECK(scope.Find("group_names")->as_list().size() == 1);
  CHECK(scope.Find("groups")->as_map().find("web")->as_list()[0].as_string() == "web1");
  CHECK(scope.Find("inventory_file")->as_string() == hosts);
  CHECK(scope.Find("inventory_dir")->as_string() == t.Path("inv"));

  // After a run-time change, new scopes see the new `groups`.
  inv->AddHost("web2", inv->FindGroup("web"));
  VarScope before;
  REQUIRE(iv.AddHostLayers(*inv->FindHost("web1"), &before).ok());
  CHECK(before.Find("groups")->as_map().find("web")->as_list().size() == 1);
  iv.InventoryChanged();
  VarScope after;
  REQUIRE(iv.AddHostLayers(*inv->FindHost("web1"), &after).ok());
  CHECK(after.Find("groups")->as_map().find("web")->as_list().size() == 2);

  // Without the host's own var: playbook group_vars beat inventory ones.
  VarScope no_host;
  REQUIRE(iv.AddHostLayers(*inv->FindHost("web1"), &no_host).ok());
  no_host.Clear(Layer::kInventoryHost);
  CHECK(no_host.Find("v")->as_string() == "pb_gv_web");
}

TEST_CASE("vars files: errors name the file; vaulted files need a password") {
  testing::TempTree t;
  Result<Map> list = LoadVarsFile(t.Write("list.yml", "- a\n- b\n"));
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().headline().find(t.Path("list.yml") + ":1:1:") == 0);
  CHECK(LoadVarsFile(t.Write("empty.yml", "")).ok());
  std::string vaulted = t.Write("vaulted.yml", "$ANSIBLE_VAULT;1.1;AES256\n6162\n");
  Result<Map> v = LoadVarsFile(vaulted);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().headline().find(vaulted + ":1:1:") == 0);
  Result<Map> syntax = LoadVarsFile(t.Write("bad.yml", "a: [1\n"));
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().headline().find(t.Path("bad.yml") + ":") == 0);
}

TEST_CASE("extra vars: key=value, JSON/YAML text and @file, later wins") {
  testing::TempTree t;
  std::string file = t.Write("extra.yml", "f: [1, 2]\nk: from_file\n");
  Result<Map> e = LoadExtraVars({"k=1 s='two words'", "{\"j\": {\"n\": 1}}", "@" + file});
  REQUIRE(e.ok());
  CHECK(e->find("k")->as_string() == "from_file");
  CHECK(e->find("s")->as_string() == "two words");
  CHECK(e->find("j")->as_map().find("n")->as_int() == 1);
  CHECK(e->find("f")->as_list().size() == 2);
  Result<Map> one = LoadExtraVars({"n=1"});
  CHECK(one->find("n")->as_string() == "1");  // key=value gives strings
  CHECK_FALSE(LoadExtraVars({"./file.yml"}).ok());
  CHECK_FALSE(LoadExtraVars({"[1, 2]"}).ok());
  CHECK_FALSE(LoadExtraVars({"@" + t.Path("missing.yml")}).ok());
}
