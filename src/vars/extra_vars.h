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

}  // namespace drover::vars
