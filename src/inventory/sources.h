// Loading an inventory from the -i sources, as ansible-core 2.14's
// InventoryManager does:
//  - "a,b:2222," (a comma and no such path): a host list, all `ungrouped`;
//  - a directory: its entries in sorted order, recursively, skipping hidden
//    names, group_vars/, host_vars/, vars_plugins/ and *.orig .ini .cfg
//    .retry .pyc .pyo .swp .bak ~ .rpm .md .txt .rst;
//  - a file: YAML when its extension is none, .yml, .yaml or .json and it
//    parses as a YAML inventory, INI otherwise; vault-encrypted files are
//    decrypted first.
// Several sources merge into one inventory in the order given; Reconcile()
// runs once at the end.
// Differences from Ansible, on purpose: a source that cannot be read or
// parsed is an error (Ansible warns and goes on with what it has), and
// executable inventory scripts and inventory plugin configs (`plugin:`) are
// not supported.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "inventory/inventory.h"

namespace drover::inventory {

Result<Inventory> LoadInventory(const std::vector<std::string>& sources);

// Adds one source to `inventory` (no Reconcile). `source` as given by -i.
Status AddInventorySource(const std::string& source, Inventory* inventory);

// os.path.abspath(os.path.expanduser(path)), without resolving symlinks.
std::string AbsolutePath(const std::string& path);

}  // namespace drover::inventory
