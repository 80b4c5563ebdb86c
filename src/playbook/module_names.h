// Names of the modules and actions a task may call, resolved as Ansible
// 2.14 resolves them (ModuleArgsParser with the plugin loaders): every
// module and action plugin of the installed ansible-core and of Debian's
// `ansible` collections (generated data, tools/gen_module_names.py), by
// FQCN, by short name through ansible.legacy (ansible.builtin, then the
// builtin routing table ansible_builtin_runtime.yml) or through the
// `collections:` search list, following meta/runtime.yml redirects.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover::playbook {

struct ModuleResolution {
  // The FQCN the name resolves to ("ansible.builtin.copy",
  // "community.general.ufw"), empty when it does not resolve.
  std::string fqcn;
  // The name the executor dispatches on and the registry is keyed by: the
  // short name ("copy", "ufw"), or the FQCN when a collection module's short
  // name is also an ansible.builtin one (cisco.ios.command).
  std::string canonical;
  // For a removed plugin (a runtime.yml tombstone): Ansible's message.
  std::string removed;
};

// Resolves `written` (a task's action key) with the task's `collections:`
// search list (empty: none given).
ModuleResolution ResolveModule(std::string_view written,
                               const std::vector<std::string>& collections = {});

// The canonical name for a module as written without a collections list, or
// "" if it does not resolve.
std::string CanonicalModuleName(std::string_view written);

// Names a user may write, for "did you mean": builtin short names, routed
// short names and every FQCN.
const std::vector<std::string_view>& KnownModuleNames();

// Actions whose free-form text (words without '=') is their main argument:
// `command: ls -l`, `include_tasks: x.yml`.
bool TakesFreeForm(std::string_view canonical);

// Actions that are resolved by the loader or executor rather than a module.
bool IsIncludeOrImport(std::string_view canonical);

}  // namespace drover::playbook
