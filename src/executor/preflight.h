// Checks made before any host is contacted, over every task a run can
// reach: the play's tasks and handlers, roles' tasks and handlers, and the
// files of include_tasks / include_role whose names are static.
//   - every action is one drover runs: ONE error lists each module drover
//     does not implement yet with every place (file:line:col) it is used;
//   - the arguments of implemented modules pass the strict argument check
//     (args.h) wherever they are static (templated values are checked
//     only by name; required arguments are not demanded where
//     module_defaults or a templated `args:` may supply them).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "playbook/model.h"
#include "playbook/tags.h"

namespace drover::executor {

// Callbacks for ReachableTasks; `block` and `play` may be empty.
struct TaskVisitor {
  // `module_defaults`: a module_defaults keyword applies to the task.
  std::function<void(const playbook::Task&, bool module_defaults)> task;
  std::function<void(const playbook::Block&)> block;
  std::function<void(const playbook::Play&)> play;
};

// Visits every task a run of `pb` can reach, each once: plays' tasks and
// handlers, roles' tasks (and dependencies) and handlers, and the files of
// include_tasks / include_role with static names, recursively. With a
// `filter`, tasks --tags/--skip-tags leave out are not visited (handlers
// always are). Errors loading an included file are added to `errors`.
void ReachableTasks(const playbook::Playbook& pb, const playbook::TagFilter* filter,
                    const TaskVisitor& visit, std::vector<Error>& errors);

// Every problem found, in file order (empty: the run may start). Tasks that
// --tags/--skip-tags (`filter`) leave out are not checked.
std::vector<Error> CheckRunnable(const playbook::Playbook& pb, const playbook::TagFilter& filter);

// The file an include_tasks `name` (already templated) refers to: under the
// role's tasks/ for a role's task, else beside the including file, falling
// back to the playbook's directory.
std::string IncludedTaskFile(const std::string& name, const playbook::Role* role,
                             const Location& where, const std::string& play_dir);

}  // namespace drover::executor
