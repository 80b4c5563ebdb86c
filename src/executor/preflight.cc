#include "executor/preflight.h"

#include "executor/task_runner.h"

namespace drover::executor {

namespace {
Status CheckItems(const std::vector<playbook::Item>& items) {
  for (const playbook::Item& item : items) {
    if (item.block) {
      for (const auto* list : {&item.block->block, &item.block->rescue, &item.block->always})
        if (Status s = CheckItems(*list); !s) return s;
      continue;
    }
    const playbook::Task& t = *item.task;
    if (!IsRunnableAction(t.action)) {
      return MakeError("the module '" + t.action_as_written +
                           "' is not implemented by drover yet (this task cannot run)",
                       t.where);
    }
  }
  return Status();
}
}  // namespace

Status CheckRunnable(const playbook::Playbook& pb) {
  for (const playbook::Play& play : pb.plays) {
    for (const auto* list : {&play.pre_tasks, &play.tasks, &play.post_tasks, &play.handlers})
      if (Status s = CheckItems(*list); !s) return s;
  }
  return Status();
}

}  // namespace drover::executor
