// The items of a task's loop: `loop:` and the with_<lookup> forms real
// playbooks use (items, list, dict, together, nested/cartesian, sequence,
// subelements, fileglob, indexed_items), computed as Ansible's lookup
// plugins compute them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/value.h"
#include "playbook/model.h"
#include "template/template.h"

namespace drover::executor {

// nullopt when the task has no loop. `search_dir` anchors with_fileglob's
// relative patterns (the role's files/ or the playbook dir).
Result<std::optional<List>> LoopItems(const playbook::Task& task, const tmpl::Scope& scope,
                                      const std::string& search_dir);

// Whether `with_<name>` is one of the forms LoopItems computes.
bool IsSupportedWithLoop(std::string_view name);

}  // namespace drover::executor
