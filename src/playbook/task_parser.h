// Turns one task mapping into a Task, as Ansible's ModuleArgsParser does:
// exactly one action (a module key, `action:` or `local_action:`), its
// arguments as a mapping or free-form `k=v` text, `args:` merged under them,
// and every other key a known task keyword.
#pragma once

#include "core/error.h"
#include "core/value.h"
#include "playbook/keywords.h"
#include "playbook/model.h"

namespace drover::playbook {

// `entry` must be a mapping. scope is kTask or kHandler. `collections` is
// the `collections:` search list in effect (the play's, block's or role's);
// the task's own `collections:` keyword replaces it.
Result<Task> ParseTask(const Value& entry, Scope scope,
                       const std::vector<std::string>& collections = {});

// A `collections:` keyword's value as a list of names (empty when absent).
std::vector<std::string> CollectionList(const Value* keyword);

}  // namespace drover::playbook
