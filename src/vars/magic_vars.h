// The magic variables the inventory defines for a host: inventory_hostname,
// inventory_hostname_short, group_names, groups, inventory_dir and
// inventory_file. They sit in the Layer::kMagic layer, where the executor
// adds the rest (hostvars, playbook_dir, ansible_play_hosts, role_path,
// ansible_check_mode, omit, ...), which need a play or a task.
#pragma once

#include <memory>
#include <string_view>

#include "core/value.h"
#include "inventory/inventory.h"

namespace drover::vars {

// `groups`: every group name (inventory order) to its hosts' names.
// Computed once per inventory; share the result between hosts.
Value GroupsMagicVar(const inventory::Inventory& inventory);

// The per-host magic variables; `groups` is GroupsMagicVar's result.
Map InventoryMagicVars(const inventory::Host& host, const Value& groups);

// Variables ansible-inventory leaves out of --list/--host output.
bool IsInternalVar(std::string_view name);

}  // namespace drover::vars
