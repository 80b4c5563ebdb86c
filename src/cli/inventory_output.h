// What `drover inventory` (ansible-inventory) prints, in ansible-inventory
// 2.14's shapes: --list as inventory-script JSON (groups with hosts and
// children, `_meta.hostvars`), --list --yaml as the nested YAML inventory,
// --graph [--vars] as the `@group:` tree, --host as the host's variables.
// Inline vault values print as {"__ansible_vault": ciphertext} (JSON) or
// `!vault |` (YAML), never decrypted; `!unsafe` strings as
// {"__ansible_unsafe": text} in JSON; everything passes through Redact().
#pragma once

#include <string>

#include "core/error.h"
#include "core/value.h"
#include "inventory/inventory.h"
#include "vars/inventory_vars.h"

namespace drover::cli {

struct InventoryView {
  inventory::Inventory* inventory = nullptr;
  vars::InventoryVars* vars = nullptr;
  const Map* extra_vars = nullptr;
  bool export_mode = false;  // --export: vars where defined, not flattened
};

// A host's variables as --list/--host show them: every inventory layer and
// the extra vars, flattened, without Ansible's internal/magic variables.
Result<Map> HostVarsForDump(const InventoryView& view, const inventory::Host& host);

// --list (JSON shape) and --list --yaml (nested shape).
Result<Value> ListInventory(const InventoryView& view);
Result<Value> ListInventoryYaml(const InventoryView& view);

// --graph GROUP [--vars]. Fails when `group` is not a group name.
Result<std::string> GraphInventory(const InventoryView& view, const std::string& group,
                                   bool show_vars);

// json.dumps(value, sort_keys=True, indent=4, ensure_ascii=False) with
// Ansible's encoder for vault values.
std::string DumpInventoryJson(const Value& value);
// yaml.dump(value, Dumper=AnsibleDumper, default_flow_style=False,
// allow_unicode=True) for the shapes ansible-inventory prints.
std::string DumpInventoryYaml(const Value& value);

}  // namespace drover::cli
