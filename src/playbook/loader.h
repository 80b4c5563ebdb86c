// Loads a playbook file into the model (model.h): plays, import_playbook,
// roles (with dependencies, defaults/vars/handlers), blocks, tasks and
// static imports. Every key is checked: an unknown key, an unknown module or
// a malformed task is an error naming file:line:col with a suggestion,
// found before any host is contacted.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"
#include "playbook/model.h"

namespace drover::playbook {

struct LoadOptions {
  // Extra role directories (ansible.cfg roles_path, ANSIBLE_ROLES_PATH),
  // searched after `roles/` beside the playbook and before the playbook dir.
  std::vector<std::string> roles_path;
};

Result<Playbook> LoadPlaybook(const std::string& path, const LoadOptions& options,
                              Warnings* warnings);

// Loads a task file (for include_tasks at run time). `role` is the role the
// including task belongs to (for the role's handlers/templates), or null.
Result<std::vector<Item>> LoadTaskFile(const std::string& path, std::shared_ptr<const Role> role,
                                       Warnings* warnings);

}  // namespace drover::playbook
