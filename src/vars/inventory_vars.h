// The inventory's share of a host's variables: the layers from
// Layer::kInventoryGroupAll to Layer::kPlaybookHostVarsFiles (see
// precedence.h) plus the inventory magic variables, built from the loaded
// inventory and the group_vars/ host_vars/ directories next to each
// inventory source and (once the executor adds them) each playbook.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"
#include "inventory/inventory.h"
#include "vars/group_host_vars.h"
#include "vars/precedence.h"

namespace drover::vars {

// Groups in Ansible's merge order: depth, then ansible_group_priority, then
// name (inventory/helpers.py sort_groups).
std::vector<const inventory::Group*> SortGroups(std::vector<const inventory::Group*> groups);

class InventoryVars {
 public:
  // Looks for group_vars/ and host_vars/ next to each source of `inventory`
  // (a file's directory, or the directory itself; host lists have none).
  // `inventory` must outlive this object.
  explicit InventoryVars(const inventory::Inventory& inventory);

  // Adds a directory whose group_vars/ and host_vars/ are the "playbook"
  // layers (the playbook's directory). Later directories rank higher.
  void AddPlaybookDir(const std::string& dir);

  // Adds the inventory and playbook group/host layers and the inventory
  // magic variables of `host` to `scope`. Errors come from reading files.
  Status AddHostLayers(const inventory::Host& host, VarScope* scope);

  // A group's variables as `ansible-inventory --graph --vars` shows them:
  // the inventory's, then the inventory group_vars files.
  Result<Map> GroupVars(const inventory::Group& group);

  // Warnings from loading files (duplicate keys), drained.
  Warnings TakeWarnings();

 private:
  const inventory::Inventory& inventory_;
  std::vector<std::unique_ptr<GroupHostVarsDir>> inventory_dirs_;
  std::vector<std::unique_ptr<GroupHostVarsDir>> playbook_dirs_;
  Value groups_magic_;
};

}  // namespace drover::vars
