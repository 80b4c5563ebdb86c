// Names of the modules and actions a task may call, short or fully
// qualified (ansible.builtin.copy, community.general.npm), mapped to the
// canonical short name the executor dispatches on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover::playbook {

// The canonical name for a module as written, or "" if it is not one drover
// knows. Accepts short names, ansible.builtin.* / ansible.legacy.*, and the
// collection FQCNs listed in module_names.cc.
std::string CanonicalModuleName(std::string_view written);

// All names a user may write (for "did you mean").
const std::vector<std::string_view>& KnownModuleNames();

// Actions whose free-form text (words without '=') is their main argument:
// `command: ls -l`, `include_tasks: x.yml`.
bool TakesFreeForm(std::string_view canonical);

// Actions that are resolved by the loader or executor rather than a module.
bool IsIncludeOrImport(std::string_view canonical);

}  // namespace drover::playbook
