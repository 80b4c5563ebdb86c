// The loaded playbook: plays, blocks, tasks and roles as read from YAML, with
// static imports (import_playbook, import_tasks, import_role, roles:)
// resolved. Nothing here is templated or executed; keyword values are kept
// as written (Values with their locations) for the executor to evaluate.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
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
  // `action: "{{ ... }}"`: the module name is a template, rendered per host
  // at run time (action is then empty), and resolved with these collections.
  std::string action_template;
  std::vector<std::string> action_collections;
  Map args;      // module arguments (free-form text in "_raw_params")
  Map keywords;  // task keywords as written (name, when, loop, notify, ...)
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
  bool role_entry = false;  // the implicit block of one application of `role`
};

// What Ansible keeps on one cached Role object (its ROLE_CACHE): every
// application of a role with the same name and parameters in a play shares
// one slot. A host on which a task of the role ran is marked completed at the
// end of the role (role_complete); the role's tasks are then skipped there,
// silently, unless allow_duplicates (meta/main.yml, or the last
// import_role/include_role of that slot) allows them.
struct RoleSlot {
  std::mutex mu;
  bool allow_duplicates = false;
  std::set<std::string> had_task_run, completed;
};

// A play's role slots by key (the name as written and the parameters).
class RoleCache {
 public:
  // The slot of `key`; `created` tells whether it is new.
  std::shared_ptr<RoleSlot> Slot(const std::string& key, bool* created);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<RoleSlot>> slots_;
};

struct Role {
  std::string name;
  std::string path;                // the role's directory
  Map defaults;                    // defaults/main.yml (or defaults_from)
  Map vars;                        // vars/main.yml (or vars_from)
  Map params;                      // role parameters from the role entry
  std::shared_ptr<RoleSlot> slot;  // shared with the same applications
  // ansible_parent_role_names/_paths: the roles of the import_role or
  // include_role that brought this role in, innermost first.
  std::vector<std::string> parent_names, parent_paths;
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
  std::shared_ptr<RoleCache> role_cache = std::make_shared<RoleCache>();
  // role_names (ansible_play_role_names): each `roles:` entry and
  // import_role, in order, repeats included; dependency_role_names: the
  // roles every one of them depends on (ansible_dependent_role_names).
  std::vector<std::string> role_names;
  std::set<std::string> dependency_role_names;
};

struct Playbook {
  std::string path;
  std::vector<Play> plays;
};

}  // namespace drover::playbook
