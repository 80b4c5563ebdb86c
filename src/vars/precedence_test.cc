#include "vars/precedence.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "vars/hash_behaviour.h"

using namespace drover;
using namespace drover::vars;

// The documented order (lowest first), written out independently of the
// implementation: reordering the enum or the table breaks this test. The
// executor extends coverage by filling the later layers with real sources.
static const std::vector<std::pair<Layer, std::string>> kDocumentedOrder = {
    {Layer::kRoleDefaults, "role defaults"},
    {Layer::kInventoryGroupAll, "inventory file or script group vars (all)"},
    {Layer::kInventoryGroups, "inventory file or script group vars"},
    {Layer::kInventoryGroupVarsAllFiles, "inventory group_vars/all"},
    {Layer::kPlaybookGroupVarsAllFiles, "playbook group_vars/all"},
    {Layer::kInventoryGroupVarsFiles, "inventory group_vars/*"},
    {Layer::kPlaybookGroupVarsFiles, "playbook group_vars/*"},
    {Layer::kInventoryHost, "inventory file or script host vars"},
    {Layer::kInventoryHostVarsFiles, "inventory host_vars/*"},
    {Layer::kPlaybookHostVarsFiles, "playbook host_vars/*"},
    {Layer::kFacts, "host facts / cached set_facts"},
    {Layer::kPlayVars, "play vars"},
    {Layer::kVarsPrompt, "play vars_prompt"},
    {Layer::kVarsFiles, "play vars_files"},
    {Layer::kRoleVars, "role vars"},
    {Layer::kBlockVars, "block vars"},
    {Layer::kTaskVars, "task vars"},
    {Layer::kIncludeVars, "include_vars"},
    {Layer::kSetFact, "set_facts / registered vars"},
    {Layer::kRoleParams, "role (and include_role) params"},
    {Layer::kIncludeParams, "include params"},
    {Layer::kExtraVars, "extra vars"},
    {Layer::kMagic, "magic variables"},
};

TEST_CASE("the precedence table is Ansible's documented order") {
  REQUIRE(kDocumentedOrder.size() == kLayerCount);
  for (size_t i = 0; i < kLayerCount; ++i) {
    CHECK(PrecedenceOrder()[i].layer == kDocumentedOrder[i].first);
    CHECK(std::string(PrecedenceOrder()[i].name) == kDocumentedOrder[i].second);
  }
}

TEST_CASE("each level beats every level below it (removed level by level)") {
  // `v` defined at every level, each value naming its level.
  std::vector<VarsRef> maps;
  for (const auto& [layer, name] : kDocumentedOrder) {
    maps.push_back(std::make_shared<const Map>(Map{{"v", name}}));
  }
  for (size_t top = kLayerCount; top > 0; --top) {
    VarScope scope;
    // Added in reverse, to show that the layer decides, not the call order.
    for (size_t i = top; i-- > 0;) scope.Add(kDocumentedOrder[i].first, maps[i]);
    const std::string& want = kDocumentedOrder[top - 1].second;
    CAPTURE(want);
    REQUIRE(scope.Find("v") != nullptr);
    CHECK(scope.Find("v")->as_string() == want);
    CHECK(scope.Flatten().find("v")->as_string() == want);
    Layer layer;
    REQUIRE(scope.FindLayer("v", &layer));
    CHECK(layer == kDocumentedOrder[top - 1].first);
  }
  CHECK(VarScope().Find("v") == nullptr);
}

TEST_CASE("within a layer the later map wins; dicts are replaced, not merged") {
  VarScope scope;
  scope.Add(Layer::kInventoryGroups, Map{{"d", Value(Map{{"a", 1}, {"b", 2}})}, {"x", 1}});
  scope.Add(Layer::kInventoryGroups, Map{{"d", Value(Map{{"c", 3}})}});
  const Value* d = scope.Find("d");
  REQUIRE(d);
  CHECK(d->as_map().size() == 1);
  CHECK(d->as_map().contains("c"));
  Map flat = scope.Flatten();
  CHECK(flat.find("x")->as_int() == 1);
  CHECK(flat.find("d")->as_map().size() == 1);
  // Keys keep their first position, as dict.update does.
  CHECK(flat.begin()->first == "d");
}

TEST_CASE("a child scope layers task-level maps over a shared host scope") {
  auto group = std::make_shared<const Map>(Map{{"v", "group"}, {"g", 1}});
  auto setfact = std::make_shared<const Map>(Map{{"v", "set_fact"}});
  VarScope host;
  host.Add(Layer::kInventoryGroups, group);
  host.Add(Layer::kSetFact, setfact);

  VarScope task(&host);
  task.Add(Layer::kTaskVars, Map{{"v", "task"}, {"t", 1}});
  // set_fact (host level) still beats task vars: layers interleave.
  CHECK(task.Find("v")->as_string() == "set_fact");
  CHECK(task.Find("t")->as_int() == 1);
  CHECK(task.Find("g")->as_int() == 1);
  task.Add(Layer::kExtraVars, Map{{"v", "extra"}});
  CHECK(task.Find("v")->as_string() == "extra");
  // The base is untouched and its maps are shared, not copied.
  CHECK(host.Find("t") == nullptr);
  CHECK(host.Find("v")->as_string() == "set_fact");
  CHECK(task.Find("g") == group->find("g"));
  // Within the same layer the child's map ranks above the base's.
  VarScope child(&host);
  child.Add(Layer::kSetFact, Map{{"v", "newer fact"}});
  CHECK(child.Find("v")->as_string() == "newer fact");
  Map flat = child.Flatten();
  CHECK(flat.find("v")->as_string() == "newer fact");
  child.Clear(Layer::kSetFact);
  CHECK(child.Find("v")->as_string() == "set_fact");
}

TEST_CASE("hash_behaviour=merge: dicts folded lowest first, a non-dict cuts the fold") {
  SetHashMerge(true);
  {
    VarScope base;
    base.Add(Layer::kInventoryGroupAll,
             Map{{"d", Value(Map{{"a", 1}, {"n", Value(Map{{"x", 1}})}})}});
    base.Add(Layer::kPlayVars, Map{{"d", Value(Map{{"b", 2}, {"n", Value(Map{{"y", 2}})}})}});
    VarScope task(&base);
    task.Add(Layer::kTaskVars, Map{{"d", Value(Map{{"a", 3}})}, {"s", 1}});
    const Value* d = task.Find("d");
    REQUIRE(d != nullptr);
    CHECK(*d == Value(Map{{"a", 3}, {"n", Value(Map{{"x", 1}, {"y", 2}})}, {"b", 2}}));
    CHECK(task.Flatten().find("d")->as_map().size() == 3);
    // A list between replaces what is below it, as combine_vars does.
    VarScope cut(&base);
    cut.Add(Layer::kRoleVars, Map{{"d", Value(List{Value(1)})}});
    cut.Add(Layer::kExtraVars, Map{{"d", Value(Map{{"e", 1}})}});
    CHECK(*cut.Find("d") == Value(Map{{"e", 1}}));
    CHECK(*cut.Flatten().find("d") == Value(Map{{"e", 1}}));
  }
  SetHashMerge(false);
  VarScope replace;
  replace.Add(Layer::kPlayVars, Map{{"d", Value(Map{{"a", 1}})}});
  replace.Add(Layer::kExtraVars, Map{{"d", Value(Map{{"b", 1}})}});
  CHECK(*replace.Find("d") == Value(Map{{"b", 1}}));
}
