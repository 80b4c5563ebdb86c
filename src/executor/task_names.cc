// Task and handler names that are templates, rendered where Ansible 2.14
// renders them: a task's banner with the first host's variables (the
// linear strategy's v2_playbook_on_task_start, fail_on_undefined=False),
// a handler's name with the play's variables when a notify looks for it
// (strategy search_handler_blocks_by_name, cached once rendered).
#include "executor/play_run.h"
#include "executor/template_scope.h"
#include "template/template.h"

namespace drover::executor {

std::string PlayRun::BannerName(const playbook::Task& task, const TaskContext& ctx,
                                HostState& host) {
  // Only the `name` keyword is rendered: an unnamed task shows its action
  // as written, templated or not.
  const Value* written = task.keywords.find("name");
  if (!written || !written->is_string() || written->as_string().empty()) return task.display_name();
  std::string name = written->as_string();
  if (task.is_handler)
    if (std::optional<std::string> rendered = HandlerName(task)) name = *rendered;
  const std::string prefix = task.role ? task.role->name + " : " : "";
  if (!tmpl::IsPossiblyTemplate(name) || !host.scope) return prefix + name;
  std::unique_ptr<vars::VarScope> scope = runner_.TaskScope(host, task, ctx);
  TemplateScope tscope(*scope);
  Result<Value> rendered = tmpl::TemplateString(name, tscope);
  // An undefined variable (the loop's item, a fact not gathered yet)
  // leaves the name as written; a value that is not text shows as nothing.
  if (!rendered) return prefix + name;
  return prefix + (rendered->is_string() ? rendered->as_string() : std::string());
}

std::optional<std::string> PlayRun::HandlerName(const playbook::Task& handler) const {
  const Value* written = handler.keywords.find("name");
  if (!written || !written->is_string()) return std::nullopt;
  if (!tmpl::IsPossiblyTemplate(written->as_string())) return written->as_string();
  {
    std::lock_guard lock(handler_names_mu_);
    if (auto it = handler_names_.find(&handler); it != handler_names_.end()) return it->second;
  }
  // Ansible's get_vars(play, task): no host, so no inventory or facts.
  vars::VarScope scope;
  if (const playbook::Role* role = handler.role.get()) {
    scope.Add(vars::Layer::kRoleDefaults, role->defaults);
    scope.Add(vars::Layer::kRoleVars, role->vars);
  }
  AddVarsKeyword(scope, vars::Layer::kPlayVars, play_.keywords.find("vars"));
  AddVarsKeyword(scope, vars::Layer::kTaskVars, handler.keywords.find("vars"));
  scope.Add(vars::Layer::kExtraVars, ex_.env_.extra_vars);
  TemplateScope tscope(scope);
  Result<Value> rendered = tmpl::TemplateString(written->as_string(), tscope);
  if (!rendered) {
    if (!handler.keywords.contains("listen"))
      ex_.env_.reporter->OnWarning(
          "Handler '" + written->as_string() +
          "' is unusable because it has no listen topics and the name could not be templated "
          "(host-specific variables are not supported in handler names). The error: " +
          rendered.error().message);
    return std::nullopt;
  }
  std::string name = rendered->is_string() ? rendered->as_string() : tmpl::PyStr(*rendered);
  std::lock_guard lock(handler_names_mu_);
  handler_names_[&handler] = name;
  return name;
}

}  // namespace drover::executor
