#include "vars/inventory_vars.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "vars/hash_behaviour.h"
#include "vars/magic_vars.h"

namespace drover::vars {
namespace fs = std::filesystem;
using inventory::Group;
using inventory::Host;

std::vector<const Group*> SortGroups(std::vector<const Group*> groups) {
  std::stable_sort(groups.begin(), groups.end(), [](const Group* a, const Group* b) {
    if (a->depth != b->depth) return a->depth < b->depth;
    if (a->priority != b->priority) return a->priority < b->priority;
    return a->name < b->name;
  });
  return groups;
}

InventoryVars::InventoryVars(const inventory::Inventory& inventory)
    : inventory_(inventory), groups_magic_(GroupsMagicVar(inventory)) {
  for (const std::string& source : inventory.sources()) {
    std::error_code ec;
    if (source.find(',') != std::string::npos && !fs::exists(source, ec)) continue;
    std::string dir = source;
    if (!fs::is_directory(source, ec)) dir = fs::path(source).parent_path().string();
    inventory_dirs_.push_back(std::make_unique<GroupHostVarsDir>(dir));
  }
}

void InventoryVars::AddPlaybookDir(const std::string& dir) {
  playbook_dirs_.push_back(std::make_unique<GroupHostVarsDir>(dir));
}

namespace {

// Adds each dir's files for each entity (dirs outer, entities inner, as
// Ansible's get_vars_from_inventory_sources loops).
template <typename Entities, typename Getter>
Status AddFiles(const std::vector<std::unique_ptr<GroupHostVarsDir>>& dirs,
                const Entities& entities, Getter get, Layer layer, VarScope* scope) {
  for (const auto& dir : dirs) {
    for (const auto& name : entities) {
      Result<VarsRef> vars = get(*dir, name);
      if (!vars) return vars.take_error();
      scope->Add(layer, *vars);
    }
  }
  return {};
}

}  // namespace

Status InventoryVars::AddHostLayers(const Host& host, VarScope* scope) {
  const Group* all = inventory_.all();
  std::vector<const Group*> others;
  for (const Group* g : host.groups) {
    if (g != all) others.push_back(g);
  }
  others = SortGroups(std::move(others));
  std::vector<std::string> group_names;
  for (const Group* g : others) group_names.push_back(g->name);

  auto group_file = [](GroupHostVarsDir& d, const std::string& n) { return d.ForGroup(n); };
  auto host_file = [](GroupHostVarsDir& d, const std::string& n) { return d.ForHost(n); };
  const std::vector<std::string> all_name{"all"};
  const std::vector<std::string> host_name{host.name};

  scope->Add(Layer::kInventoryGroupAll, all->vars);
  for (const Group* g : others) scope->Add(Layer::kInventoryGroups, g->vars);
  Status s =
      AddFiles(inventory_dirs_, all_name, group_file, Layer::kInventoryGroupVarsAllFiles, scope);
  if (s)
    s = AddFiles(playbook_dirs_, all_name, group_file, Layer::kPlaybookGroupVarsAllFiles, scope);
  if (s)
    s = AddFiles(inventory_dirs_, group_names, group_file, Layer::kInventoryGroupVarsFiles, scope);
  if (s)
    s = AddFiles(playbook_dirs_, group_names, group_file, Layer::kPlaybookGroupVarsFiles, scope);
  if (!s) return s;
  scope->Add(Layer::kInventoryHost, host.vars);
  s = AddFiles(inventory_dirs_, host_name, host_file, Layer::kInventoryHostVarsFiles, scope);
  if (s) s = AddFiles(playbook_dirs_, host_name, host_file, Layer::kPlaybookHostVarsFiles, scope);
  if (!s) return s;
  scope->Add(Layer::kMagic, InventoryMagicVars(host, groups_magic_));
  return {};
}

Result<Map> InventoryVars::GroupVars(const Group& group) {
  Map out;
  for (const auto& [k, v] : *group.vars) out.set(k, v);
  for (const auto* dirs : {&inventory_dirs_, &playbook_dirs_}) {
    for (const auto& dir : *dirs) {
      Result<VarsRef> vars = dir->ForGroup(group.name);
      if (!vars) return vars.take_error();
      if (*vars) {
        for (const auto& [k, v] : **vars) CombineInto(out, k, v);
      }
    }
  }
  return out;
}

void InventoryVars::InventoryChanged() {
  groups_magic_ = GroupsMagicVar(inventory_);
}

Warnings InventoryVars::TakeWarnings() {
  Warnings out;
  for (auto* dirs : {&inventory_dirs_, &playbook_dirs_}) {
    for (const auto& d : *dirs) {
      for (Error& w : d->TakeWarnings()) out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace drover::vars
