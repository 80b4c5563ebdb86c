// The magic variables the inventory defines for a host: inventory_hostname,
// inventory_hostname_short, group_names, groups, inventory_dir and
// inventory_file. They sit in the Layer::kMagic layer, where the executor
// adds the rest (hostvars, playbook_dir, ansible_play_hosts, role_path,
// ansible_check_mode, omit, ...), which need a play or a task.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "core/value.h"
#include "inventory/inventory.h"

namespace drover::vars {

// `groups`: every group name (inventory order) to its hosts' names.
// Computed once per inventory; share the result between hosts.
Value GroupsMagicVar(const inventory::Inventory& inventory);

// The per-host magic variables; `groups` is GroupsMagicVar's result.
Map InventoryMagicVars(const inventory::Host& host, const Value& groups);

// Ansible's INTERNAL_VARS: the magic variables VariableManager.get_vars
// gives a host without a play (hostvars carries them, with
// ansible_check_mode, which the list lacks), and which ansible-inventory
// leaves out of --list/--host output.
std::span<const std::string_view> InternalVarNames();
bool IsInternalVar(std::string_view name);

}  // namespace drover::vars
