// The loaded playbook: plays, blocks, tasks and roles as read from YAML, with
// static imports (import_playbook, import_tasks, import_role, roles:)
// resolved. Nothing here is templated or executed; keyword values are kept
// as written (Values with their locations) for the executor to evaluate.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/value.h"

namespace drover::playbook {

struct Role;
struct Task;
struct Block;

// A task list entry: exactly one of task / block is set.
struct Item {
  std::shared_ptr<const Task> task;
  std::shared_ptr<const Block> block;
};

struct Task {
  std::string action;             // canonical module or action name: "copy", "include_tasks"
  std::string action_as_written;  // as in the file: "ansible.builtin.copy"
  std::string action_fqcn;        // what Ansible resolves it to: "ansible.builtin.copy"
  Map args;                       // module arguments (free-form text in "_raw_params")
  Map keywords;                   // task keywords as written (name, when, loop, notify, ...)
  Location where;
  std::shared_ptr<const Role> role;  // the role the task came from, if any
  bool is_handler = false;

  // "name" keyword, or the action as written when unnamed (Ansible's rule).
  std::string display_name() const;
};

// A block, or an implicit one: an import_tasks / import_role / role entry
// whose keywords (tags, when, vars, become, ...) apply to every task inside.
struct Block {
  Map keywords;
  std::vector<Item> block, rescue, always;
  Location where;
  std::shared_ptr<const Role> role;
  // A role's block: the role's handlers (handlers/main.yml or handlers_from).
  // Held here, not by the Role, because the handler tasks point to their
  // Role: a Role holding them would be a reference cycle, never freed.
  std::vector<Item> handlers;
};

struct Role {
  std::string name;
  std::string path;  // the role's directory
  Map defaults;      // defaults/main.yml (or defaults_from)
  Map vars;          // vars/main.yml (or vars_from)
  Map params;        // role parameters from the role entry
};

struct Play {
  Map keywords;                    // every play keyword as written
  std::string name;                // "name", or the hosts pattern when unnamed
  std::vector<std::string> hosts;  // host patterns
  std::vector<Item> pre_tasks, tasks, post_tasks, handlers;
  std::vector<std::shared_ptr<const Role>> roles;  // in application order
  Location where;
  std::string file;                     // playbook file the play came from
  std::string dir;                      // its directory (playbook_dir)
  std::vector<std::string> roles_path;  // extra role dirs, for include_role at run time
};

struct Playbook {
  std::string path;
  std::vector<Play> plays;
};

}  // namespace drover::playbook
