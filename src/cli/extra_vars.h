// `-e/--extra-vars` values as ansible-playbook parses them: `@file` (YAML or
// JSON), an inline YAML/JSON mapping ('{...}'), or `key=value ...` pairs
// (values are strings). Later values override earlier ones key by key.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::cli {

Result<Value> LoadExtraVars(const std::vector<std::string>& specs);

}  // namespace drover::cli
