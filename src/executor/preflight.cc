#include "executor/preflight.h"

#include "connection/become.h"
#include "executor/task_runner.h"

namespace drover::executor {

namespace {
// A become_method keyword written as a literal (not a template) must be one
// drover runs.
Status CheckBecomeMethod(const Map& keywords, const Location& where) {
  const Value* v = keywords.find("become_method");
  if (v == nullptr || !v->is_string()) return Status();
  const std::string& method = v->as_string();
  if (method.find("{{") != std::string::npos || connection::CanonicalBecomeMethod(method))
    return Status();
  return MakeError("become_method '" + method +
                       "' is not supported by drover; use sudo or su (also as "
                       "ansible.builtin.sudo, ansible.builtin.su)",
                   where);
}

Status CheckItems(const std::vector<playbook::Item>& items) {
  for (const playbook::Item& item : items) {
    if (item.block) {
      if (Status s = CheckBecomeMethod(item.block->keywords, item.block->where); !s) return s;
      for (const auto* list : {&item.block->block, &item.block->rescue, &item.block->always})
        if (Status s = CheckItems(*list); !s) return s;
      continue;
    }
    const playbook::Task& t = *item.task;
    if (Status s = CheckBecomeMethod(t.keywords, t.where); !s) return s;
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
    if (Status s = CheckBecomeMethod(play.keywords, play.where); !s) return s;
    for (const auto* list : {&play.pre_tasks, &play.tasks, &play.post_tasks, &play.handlers})
      if (Status s = CheckItems(*list); !s) return s;
  }
  return Status();
}

}  // namespace drover::executor
