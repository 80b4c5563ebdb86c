// The keywords each playbook object accepts (ansible-core 2.14's), so an
// unknown key is reported with a suggestion before anything runs.
#pragma once

#include <string_view>
#include <vector>

#include "core/value.h"

namespace drover::playbook {

enum class Scope { kPlay, kBlock, kTask, kHandler, kRoleEntry };

// Keywords valid for the scope (task keywords exclude the action itself).
const std::vector<std::string_view>& KeywordsFor(Scope scope);
bool IsKeyword(Scope scope, std::string_view key);
std::string_view ScopeName(Scope scope);

// A boolean play/task keyword's value as Ansible reads it (gather_facts,
// any_errors_fatal, ...): a bool, yes/true/True/on/1, else Python truth.
// Absent (null pointer) is false.
bool KeywordIsTrue(const Value* v);

}  // namespace drover::playbook
