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

// `entry` must be a mapping. scope is kTask or kHandler.
Result<Task> ParseTask(const Value& entry, Scope scope);

}  // namespace drover::playbook
