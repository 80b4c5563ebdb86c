// The hosts a command targets (adhoc runs on them; template renders for one): the inventory sources
// (-i, as ansible-playbook reads them), the pattern and --limit, and each host's merged variables
// (inventory, group_vars/host_vars, extra vars) with its connection variables templated.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::cli {

struct TargetHost {
  std::string name;
  Map vars;  // the host's variables, extra vars (-e) applied, ansible_* templated
};

// Hosts of `inventories` matching `pattern` (and `limit` when not empty),
// in inventory order. Warnings (no match, unparsed default inventory) are
// appended to `warnings`. `inventory_empty` (when given) tells whether the
// inventory has no host at all. `playbook_dir` (when not empty) adds its
// group_vars/ and host_vars/ as a playbook's directory does.
Result<std::vector<TargetHost>> ResolveTargetHosts(const std::string& pattern,
                                                   const std::vector<std::string>& inventories,
                                                   const std::string& limit, const Map& extra_vars,
                                                   std::vector<Error>* warnings,
                                                   bool* inventory_empty = nullptr,
                                                   const std::string& playbook_dir = "");

}  // namespace drover::cli
