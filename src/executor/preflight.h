// Checks made before any host is contacted: every task's action is one
// drover can run.
#pragma once

#include "core/error.h"
#include "playbook/model.h"

namespace drover::executor {

// An Error naming the first task (file:line:col) whose module drover does
// not implement yet.
Status CheckRunnable(const playbook::Playbook& pb);

}  // namespace drover::executor
