// add_host and group_by: the two actions that change the in-memory
// inventory during a run (Ansible's action plugins add_host.py and
// group_by.py, and InventoryManager.add_dynamic_host / add_dynamic_group).
// Each action is two steps, as in Ansible: the action computes its result
// from the task's arguments (AddHostAction, GroupByAction), then the result
// is applied to the inventory (ApplyAddHost, ApplyAddGroup), which decides
// `changed`. The Apply functions mutate the inventory: callers serialize
// them with every other reader and writer of it.
#pragma once

#include "core/error.h"
#include "core/value.h"
#include "inventory/inventory.h"

namespace drover::executor {

// add_host's result: {changed: false, add_host: {host_name, groups,
// host_vars}}. name/hostname/host name the host (a "host:port" form sets
// ansible_ssh_port); groups/group/groupname are a list or comma-separated
// text; every other argument (also `host` and `group`, as in Ansible)
// becomes a host variable. Failed result when no name is given.
Map AddHostAction(const Map& args);

// group_by's result: {changed: false, add_group, parent_groups}, spaces in
// names replaced by '-'. Failed result without `key` or with an unknown
// argument.
Map GroupByAction(const Map& args);

// Adds the host of an add_host result (to `all` when new), merges its host
// vars and adds it to the groups. Returns whether anything changed.
Result<bool> ApplyAddHost(inventory::Inventory& inventory, const Map& add_host);

// Puts `host` into the group of a group_by result (creating it and its
// parents as needed). Returns whether anything changed, by Ansible's rules.
Result<bool> ApplyAddGroup(inventory::Inventory& inventory, inventory::Host& host,
                           const Map& result);

}  // namespace drover::executor
