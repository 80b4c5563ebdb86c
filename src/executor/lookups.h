// Ansible's lookup plugins, run on the controller: lookup()/query()/q() in
// templates and the with_<name> loops. Each plugin takes the terms (the
// positional arguments, a string made a one-item list) and its keyword
// options, and returns a list as Ansible 2.14's plugin of that name does;
// RunLookup applies `errors=` and lookup()'s comma join as the templar does.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"
#include "template/template.h"

namespace drover::executor {

// Where relative file names are searched (Ansible's ansible_search_path):
// the role's dir (its files/ or templates/ first), then the playbook dir,
// then the dir of the file the task was written in.
struct LookupContext {
  std::string role_path;     // empty outside a role
  std::string playbook_dir;  // the play's dir
  std::string task_dir;      // dir of the task's file (may be empty)
};

// Raised by a plugin; `kind` selects the templar's handling.
struct LookupFailure {
  enum Kind {
    kLookupError,  // AnsibleLookupError: errors=warn/ignore apply, message as is
    kUnhandled,    // any other error: wrapped in "An unhandled exception ..."
    kUndefined,    // AnsibleUndefinedVariable: always raised
    kOptions,      // AnsibleOptionsError: always raised
  };
  Kind kind;
  std::string message;
  std::string python_class = "ansible.errors.AnsibleError";
};

// The lookup's list of results (what query() returns), or a LookupFailure.
using PluginResult = List;

// Receives the warnings a plugin prints (Ansible's display.warning).
using LookupWarn = std::function<void(const std::string&)>;

// Whether `name` (optionally "ansible.builtin.name") is an implemented plugin.
bool IsLookupPlugin(std::string_view name);
// The implemented plugins' short names, sorted.
std::vector<std::string> LookupPluginNames();

// Runs plugin `name` with `terms` and `options`; throws LookupFailure.
List RunLookupPlugin(std::string_view name, const List& terms, const Map& options,
                     const tmpl::Scope& scope, const LookupContext& ctx,
                     const LookupWarn& warn = {});

// lookup()/query(): runs the plugin and applies errors= (strict, warn,
// ignore) and wantlist as Ansible's templar does. `warn` receives warnings.
Result<Value> RunLookup(const std::string& name, const List& args, const Map& kwargs, bool wantlist,
                        const tmpl::Scope& scope, const LookupContext& ctx,
                        const std::function<void(const std::string&)>& warn);

// The hook the executor installs for a task's renders.
tmpl::Lookup MakeLookupHook(LookupContext ctx, std::function<void(const std::string&)> warn);

// Resolves a relative `name` as Ansible's find_file_in_search_path does with
// `subdir` ("files", "templates"); "" when no candidate exists.
std::string FindInSearchPath(const LookupContext& ctx, const std::string& subdir,
                             const std::string& name);

}  // namespace drover::executor
