// How many tasks a play will start, for the progress line: the fact
// gathering, then every task of pre_tasks, tasks and post_tasks (roles and
// imports included) that the tag filter selects; block and always sections
// count, rescue sections (run only on a failure) and handlers do not. A
// dynamic include counts as one task: what it loads is only known when it
// runs.
#pragma once

#include <cstddef>

#include "playbook/model.h"
#include "playbook/tags.h"

namespace drover::executor {

size_t PlannedTaskCount(const playbook::Play& play, const playbook::TagFilter& filter);

}  // namespace drover::executor
