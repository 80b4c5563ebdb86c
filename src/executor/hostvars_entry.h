// hostvars[h] as Ansible 2.14's HostVars gives it: VariableManager.get_vars
// for the host without a play or task. So it holds the inventory's and the
// playbook-adjacent group/host vars, facts (ansible_facts {} when none),
// include_vars, set_fact/register, extra vars and the magic variables that
// need no play (groups, inventory_*, playbook_dir, the run's options...);
// never play vars, vars_prompt, vars_files, roles' defaults/vars/params or
// block/task vars. A template reading hostvars[other].play_var fails, as in
// Ansible.
#pragma once

#include "core/value.h"
#include "vars/precedence.h"

namespace drover::executor {

// The entry of hostvars for the host whose full scope is `scope`.
Map HostvarsEntry(const vars::VarScope& scope);

}  // namespace drover::executor
