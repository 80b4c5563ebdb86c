// YAML (and JSON) inventories, as ansible-core 2.14's yaml plugin reads them:
//   all:
//     hosts: {web1: {ansible_host: 10.0.0.1}, "web[2:3]":}
//     vars: {...}
//     children: {web: {hosts: ..., children: ...}}
// Top-level keys are groups; hosts/vars/children may be null, a mapping, or
// a single name (string). Unknown keys are skipped with a warning.
#pragma once

#include <string>

#include "core/error.h"
#include "core/value.h"
#include "inventory/inventory.h"

namespace drover::inventory {

// True when `doc` looks like a YAML inventory (a non-empty mapping without a
// `plugin` key), i.e. when the yaml plugin would accept it.
bool IsYamlInventory(const Value& doc);

// Adds the groups, hosts and variables of `doc` (loaded from `path`).
// Errors name the offending node's location.
Status LoadYamlInventory(const Value& doc, const std::string& path, Inventory* inventory);

}  // namespace drover::inventory
