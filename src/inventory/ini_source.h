// INI inventories, parsed as ansible-core 2.14's ini plugin does:
//   host entries before any section belong to `ungrouped`;
//   [group] lists `host[:port] key=value ...` lines (shlex-split, values
//   through Python's literal_eval, ranges expanded);
//   [group:vars] holds `key = value` lines (split at the first '=');
//   [group:children] lists groups, which may be declared later in the file;
//   `#` and `;` start comment lines. Section names have characters that are
//   not valid in variable names replaced by '_', as Ansible does.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "inventory/inventory.h"

namespace drover::inventory {

// Adds the hosts, groups and variables of `text` (read from `path`) to
// `inventory`. Errors name path:line.
Status LoadIniInventory(std::string_view text, const std::string& path, Inventory* inventory);

// Ansible's to_safe_group_name(force=True): invalid characters become '_'.
std::string SafeGroupName(std::string_view name);

}  // namespace drover::inventory
