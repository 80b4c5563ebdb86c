// `action: "{{ mod }}"`: the module name rendered per host before the task
// runs there, as Ansible 2.14's linear strategy renders task.action with the
// host's variables (no loop item) and TaskExecutor then resolves the plugin.
#include "executor/lookups.h"
#include "executor/loops.h"
#include "executor/play_run.h"
#include "executor/template_scope.h"
#include "playbook/module_names.h"
#include "template/template.h"

namespace drover::executor {

namespace {

// A copy of `task` that runs `action` (no longer a template).
std::shared_ptr<playbook::Task> WithAction(const playbook::Task& task, std::string action,
                                           std::string fqcn) {
  auto copy = std::make_shared<playbook::Task>(task);
  copy->action_template.clear();
  copy->action = std::move(action);
  copy->action_fqcn = std::move(fqcn);
  return copy;
}

// A copy of `task` that fails with `msg` (the host fails as Ansible's does
// when the rendered name cannot run; ignore_errors still applies).
std::shared_ptr<const playbook::Task> FailingCopy(const playbook::Task& task, std::string msg) {
  auto copy = WithAction(task, kUnresolvedAction, "");
  copy->args = Map{{"msg", Value(std::move(msg))}};
  return copy;
}

}  // namespace

Result<std::shared_ptr<const playbook::Task>> PlayRun::ResolvedAction(const playbook::Task& task,
                                                                      const TaskContext& ctx,
                                                                      HostState& host) {
  if (task.action_template.empty())  // the task itself, not owned
    return std::shared_ptr<const playbook::Task>(std::shared_ptr<const playbook::Task>(), &task);
  std::unique_ptr<vars::VarScope> scope = runner_.TaskScope(host, task, ctx);
  TemplateScope tscope(*scope);
  tmpl::ThreadLookup lookups(
      MakeLookupHook(TaskLookupContext(task, ctx),
                     [this](const std::string& w) { ex_.env_.reporter->OnWarning(w); }));
  Result<Value> rendered = tmpl::TemplateString(task.action_template, tscope);
  if (!rendered) {  // Ansible's strategy raises: the run stops
    Error e = rendered.take_error();
    e.where = task.where;
    return e;
  }
  const std::string name = rendered->is_string() ? rendered->as_string() : tmpl::PyStr(*rendered);
  const playbook::ModuleResolution r = playbook::ResolveModule(name, task.action_collections);
  if (r.canonical.empty() || !r.removed.empty())
    return FailingCopy(task, "The module " + name + " was not found in configured module paths");
  if (r.canonical == "meta")  // no arguments can reach it: Ansible's _execute_meta raises
    return MakeError("invalid meta action requested: None", task.where);
  // Resolved at run time, an include or import is a plain module to
  // Ansible, and its python file has no interpreter line.
  if (playbook::IsIncludeOrImport(r.canonical))
    return FailingCopy(task, "module (" + name + ") is missing interpreter line");
  if (!IsRunnableAction(r.canonical))
    return FailingCopy(task, "drover does not implement the module " + r.fqcn + " ('" +
                                 task.action_template + "' rendered to '" + name +
                                 "'); see drover playbook --check-support");
  return std::shared_ptr<const playbook::Task>(WithAction(task, r.canonical, r.fqcn));
}

}  // namespace drover::executor
