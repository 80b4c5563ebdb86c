// Where a task sits while it runs: its play, the blocks around it (outer to
// inner) and the parameters of the include that brought it in. Keywords are
// inherited along this chain as Ansible inherits them (task over block over
// role over play).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/value.h"
#include "playbook/model.h"

namespace drover::executor {

struct TaskContext {
  const playbook::Play* play = nullptr;
  std::vector<const playbook::Block*> blocks;  // outer to inner
  Map include_params;                          // include_tasks/include_role vars
  // With batching on: the tasks that follow this one in its block, for
  // probes asked ahead (TaskRunner::PlanAhead). Empty: no batch.
  std::vector<const playbook::Task*> ahead;

  // The innermost value of `key` on the task, its blocks, then the play.
  const Value* Inherited(const playbook::Task& task, std::string_view key) const;
  // Every `when` on the chain, outermost first (all must hold).
  std::vector<const Value*> Conditions(const playbook::Task& task) const;
  // `environment` maps merged outer to inner (inner keys win).
  std::vector<const Value*> Environments(const playbook::Task& task) const;
  // `vars` of the blocks (outer to inner), then of the task.
  std::vector<const Value*> BlockVars() const;
  // The role whose task this is (the task's own, else the innermost block's).
  const playbook::Role* Role(const playbook::Task& task) const;
};

}  // namespace drover::executor
