// Strict module argument parsing with Ansible's rules (AnsibleModule's
// argument_spec): aliases map to the canonical name, types are coerced as
// Ansible coerces them (bool from yes/no/true/false/on/off/1/0, int from
// text), choices and required are enforced, and an unknown argument is an
// error with a suggestion.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::modules {

enum class ArgType { kStr, kBool, kInt, kFloat, kPath, kList, kDict, kRaw };

struct ArgSpec {
  std::string name;
  ArgType type = ArgType::kStr;
  Value default_value;  // null: no default
  bool required = false;
  std::vector<std::string> aliases;
  std::vector<std::string> choices;
};

// `spec` plus the arguments every file-writing module takes (Ansible's
// add_file_common_args): mode, owner, group, unsafe_writes, attributes and
// the SELinux contexts (accepted, not applied).
std::vector<ArgSpec> WithFileCommonArgs(std::vector<ArgSpec> spec);

// Returns every spec'd argument (defaults filled in, absent ones null).
// Arguments whose value is null count as absent (Ansible's `omit`).
// `where` locates errors (the task).
Result<Map> ParseArgs(const std::string& module, const Map& args, const std::vector<ArgSpec>& spec,
                      const Location& where);

// Ansible's boolean conversion; false with *ok=false for non-booleans.
bool ToBool(const Value& v, bool* ok);

}  // namespace drover::modules
