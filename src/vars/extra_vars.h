// Extra variables (-e/--extra-vars), as Ansible's load_extra_vars reads
// them, merged left to right (later ones win, dicts replaced):
//   -e key=value ...   strings (Ansible's parse_kv: quotes removed; words
//                      without '=' go to `_raw_params`)
//   -e '{"json": 1}'   YAML/JSON text starting with '{' or '['
//   -e @file           a YAML/JSON file, vault-encrypted or not
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "core/yaml.h"

namespace drover::vars {

Result<Map> LoadExtraVars(const std::vector<std::string>& args, Warnings* warnings = nullptr);

// The variables Ansible renders a name with before any host is known (role
// names, import_playbook paths, a play's strategy and tags): the -e
// variables, the keys of `vars` (a play's or an import's mapping) that -e
// does not set, and playbook_dir when given.
Map LoadTimeVars(const Map& extra_vars, const Value* vars,
                 const std::string* playbook_dir = nullptr);

}  // namespace drover::vars
