// The items of a task's loop: `loop:` and the with_<lookup> forms real
// playbooks use (every implemented lookup plugin, lookups.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "executor/lookups.h"
#include "executor/task_context.h"
#include "playbook/model.h"
#include "template/template.h"

namespace drover::executor {

// nullopt when the task has no loop. with_<name> runs the lookup plugin
// `name` (lookups.h); `lookup_ctx` anchors its relative file names.
Result<std::optional<List>> LoopItems(const playbook::Task& task, const tmpl::Scope& scope,
                                      const LookupContext& lookup_ctx);

// The lookup search path of `task` (its role, its file's dir, the play's dir).
LookupContext TaskLookupContext(const playbook::Task& task, const TaskContext& ctx);

// loop_control.extended: Ansible's `ansible_loop` for item `index` of
// `items` (index, index0, revindex, revindex0, first, last, length,
// previtem, nextitem, and allitems unless extended_allitems is false);
// nullopt when the task's loop is not extended.
std::optional<Value> ExtendedLoopVar(const playbook::Task& task, const List& items, size_t index);
// An include's per-item variables: the loop variable and, with
// loop_control.extended, ansible_loop.
std::vector<Map> LoopItemLocals(const playbook::Task& task, const List& items,
                                const std::string& loop_var);

// Whether `with_<name>` is one of the forms LoopItems computes.
bool IsSupportedWithLoop(std::string_view name);

}  // namespace drover::executor
