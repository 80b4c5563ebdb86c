// TEMPORARY host source for `drover adhoc` until the inventory stage lands:
// it understands only Ansible's inline host list (`-i 'web1,web2:2222,'`)
// plus the implicit `localhost`. The lead replaces ResolveAdhocHosts with
// the real inventory (files, groups, patterns, --limit); callers only need
// names and each host's merged variables.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::cli {

struct AdhocHost {
  std::string name;
  Map vars;  // the host's variables, extra vars (-e) already applied
};

// Hosts of `inventories` (each an inline comma-separated list) matching
// `pattern` ("all", "*", names, fnmatch wildcards, ',' or ':' separated,
// "!name" to exclude), in inventory order. "localhost" matches even when
// not listed, as Ansible's implicit localhost (ansible_connection=local).
// `extra_vars` override every host's variables.
Result<std::vector<AdhocHost>> ResolveAdhocHosts(const std::string& pattern,
                                                 const std::vector<std::string>& inventories,
                                                 const Map& extra_vars);

}  // namespace drover::cli
