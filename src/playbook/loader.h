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
  // -e variables: an import_playbook path that is a template is rendered
  // with them and the import's own `vars`, as Ansible renders it.
  Map extra_vars;
};

Result<Playbook> LoadPlaybook(const std::string& path, const LoadOptions& options,
                              Warnings* warnings);

// Loads a task file (for include_tasks at run time). `role` is the role the
// including task belongs to (for the role's handlers/templates), or null.
// `handlers`: the file is included by a handler, so its tasks are handlers.
Result<std::vector<Item>> LoadTaskFile(const std::string& path, std::shared_ptr<const Role> role,
                                       Warnings* warnings, bool handlers = false);

// What include_role asks for, templated: the role name and the *_from
// file names (empty: main).
struct RoleInclude {
  Value name;  // the role name, with the include task's location
  std::string tasks_from, vars_from, defaults_from, handlers_from;
  Map vars;                      // the include task's `vars:`, as written
  bool allow_duplicates = true;  // Ansible's default for include_role
};

// Loads a role at run time (include_role): a block holding the role's
// dependencies and tasks, whose `role` carries the defaults, vars and
// handlers read from the *_from files. `parent` is the role of the including
// task (its sibling roles are searched too), or null. Roles are searched as
// for `roles:` (roles/ beside the playbook, `roles_path`, the playbook dir).
// `in_play`: the include runs, so it takes its place in the play's role
// cache (allow_duplicates); false for a look before the run.
Result<std::shared_ptr<const Block>> LoadIncludedRole(const RoleInclude& include, const Play& play,
                                                      std::shared_ptr<const Role> parent,
                                                      Warnings* warnings, bool in_play = true);

}  // namespace drover::playbook
