// The undefined-variable check made before any host is contacted: every
// template a task certainly evaluates (arguments, loop, conditions, the
// template module's source file) may only read names something can define
// for the play's hosts (inventory, extra vars, play/role/block/task vars,
// vars_files, vars_prompt, register, set_fact, include_vars, loop
// variables, facts, magic variables). A variable whose value is a template
// is templated when a task reads it (as Ansible does), so the names its
// value certainly needs are checked too, when every definition needs them.
//
// The check never flags a playbook Ansible runs: a name is reported only
// when it is certainly evaluated and certainly undefined. It leaves out
//  - plays it cannot see through statically (include_vars / include_tasks
//    with a templated or missing file, set_fact with templated keys,
//    include_role, *_facts modules whose fact names it does not know,
//    a templated hosts pattern, plays matching no host);
//  - everything after a task's first condition (a `when` may be false:
//    only the outermost condition is certainly evaluated), everything but
//    the loop expression of a loop that may be empty, handlers,
//    blocks with `rescue` and their rescue sections, tasks with
//    `ignore_errors`, tasks not selected by --tags/--skip-tags, tasks after
//    a `meta: end_*`, and variables no task reads.
#pragma once

#include <vector>

#include "core/error.h"
#include "inventory/host_pattern.h"
#include "inventory/inventory.h"
#include "playbook/model.h"
#include "playbook/tags.h"

namespace drover::executor {

struct UndefinedCheckInput {
  const inventory::Inventory* inventory = nullptr;
  inventory::HostMatcher* matcher = nullptr;  // with --limit applied
  const Map* extra_vars = nullptr;
  playbook::TagFilter tags;
};

// One Error per undefined name use, in playbook order:
//   file:line:col: 'app_prot' is undefined in task "Copy config" (did you
//   mean 'app_port'?)
// Empty when nothing is certainly undefined.
std::vector<Error> CheckUndefinedVariables(const playbook::Playbook& pb,
                                           const UndefinedCheckInput& input);

}  // namespace drover::executor
