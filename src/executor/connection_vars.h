// The variables a task's connection is made from, with Ansible's rule for
// the `connection` keyword: variables (inventory, play, block or task
// `ansible_connection`) win over the keyword (task, block, play), which wins
// over -c.
#pragma once

#include "core/value.h"
#include "vars/precedence.h"

namespace drover::executor {

// Every ansible_* variable of `scope`, templated with it; when no
// `ansible_connection` is set, the templated `connection_keyword` (may be
// null) stands in for it. `scope` is the task's scope when the task runs on
// its own host, the delegate's host scope when delegated.
Map ConnectionVars(const vars::VarScope& scope, const Value* connection_keyword);

}  // namespace drover::executor
