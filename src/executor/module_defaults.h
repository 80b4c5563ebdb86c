// module_defaults: default arguments for modules, set on a play, block,
// role entry or task, keyed by module name (short or FQCN). Defaults from
// every level apply, inner levels over outer ones, and the task's own
// arguments over all of them, as Ansible's get_action_args_with_defaults
// merges them (before templating).
#pragma once

#include <string>
#include <vector>

#include "core/value.h"
#include "executor/task_context.h"
#include "playbook/model.h"

namespace drover::executor {

// `task.args` with the module_defaults that apply to its action merged
// under them. Action groups (`group/NAME`) are not supported: each one is
// ignored with a warning appended to `warnings` (once per process and
// group, so a task run on many hosts warns once).
Map WithModuleDefaults(const playbook::Task& task, const TaskContext& ctx,
                       std::vector<std::string>* warnings);

}  // namespace drover::executor
