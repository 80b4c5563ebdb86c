// Variable files: group_vars/host_vars entries, vars_files, include_vars and
// -e @file all hold one YAML or JSON mapping, possibly vault-encrypted as a
// whole file or with inline `!vault` values (kept lazy, see core/value.h).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "core/yaml.h"

namespace drover::vars {

// Loads a variables file. An empty file (or one holding only null) gives an
// empty map; anything but a mapping is an error naming the file and line.
Result<Map> LoadVarsFile(const std::string& path, Warnings* warnings = nullptr);

// Ansible's DataLoader.find_vars_files(dir, name): the first of `name`,
// `name.yml`, `name.yaml`, `name.json` that exists under `dir`; when it is a
// directory, every file below it (sorted, recursively, skipping hidden
// names, names ending in '~' and unknown extensions).
std::vector<std::string> FindVarsFiles(const std::string& dir, const std::string& name);

}  // namespace drover::vars
