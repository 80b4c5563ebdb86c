// The deprecated task-level `include` (Ansible 2.14 still runs it): loaded
// as include_tasks, or as import_tasks where 2.14 makes it static (loader).
#pragma once

#include "output/warning_text.h"
#include "playbook/model.h"

namespace drover::playbook {

// Whether the task was written as `include` (any of its FQCNs).
inline bool IsDeprecatedInclude(const Task& task) {
  return task.action == "include_tasks" && (task.action_as_written == "include" ||
                                            task.action_as_written == "ansible.builtin.include" ||
                                            task.action_as_written == "ansible.legacy.include");
}

// helpers.py's deprecation, given when a task file with an `include` loads.
inline std::string IncludeLoadDeprecation() {
  return output::DeprecationMessage(
      "\"include\" is deprecated, use include_tasks/import_tasks instead. See "
      "https://docs.ansible.com/ansible-core/2.14/user_guide/playbooks_reuse_includes.html "
      "for details",
      "2.16");
}

// included_file.py's, given when a dynamic `include` runs.
inline std::string IncludeRunDeprecation() {
  return output::DeprecationMessage(
      "\"include\" is deprecated, use include_tasks/import_tasks/import_playbook instead", "2.16");
}

}  // namespace drover::playbook
