// delegate_to's target host; setup/gather_facts under delegate_to gather on
// the delegate; and delegate_facts: facts that set_fact or
// setup/gather_facts produce under `delegate_to: X` + `delegate_facts: true`
// land on X (visible through hostvars[X]) instead of the task's host.
// Such facts are handed to the PlayRun and applied once every host has
// finished the task, so no worker writes another host's variables while
// that host's worker reads them.
#include <algorithm>

#include "connection/facts.h"
#include "executor/connection_vars.h"
#include "executor/executor.h"
#include "executor/play_run.h"
#include "executor/task_runner.h"
#include "executor/template_scope.h"
#include "template/template.h"

namespace drover::executor {

Result<HostState*> TaskRunner::DelegateTarget(HostState& host, const playbook::Task& task,
                                              const TaskContext& ctx, const tmpl::Scope& scope,
                                              std::string* delegated_to) {
  const Value* d = ctx.Inherited(task, "delegate_to");
  if (!d || d->is_null()) return &host;
  Result<Value> name = tmpl::TemplateValue(*d, scope);
  if (!name) return name.take_error();
  std::string delegate = name->is_string() ? name->as_string() : "";
  if (delegate.empty() || delegate == host.name) return &host;
  // Workers of several hosts may delegate to the same (possibly not yet
  // known) host at once: creating its state is serialized.
  std::lock_guard lock(ex_.delegate_mu_);
  inventory::Host* dh = ex_.env_.inventory->GetHost(delegate);
  if (!dh)
    return MakeError("delegate_to: the host '" + delegate + "' is not in the inventory",
                     task.where);
  HostState* target = &ex_.State(dh);
  *delegated_to = delegate;
  if (!target->scope) {
    target->scope = std::make_unique<vars::VarScope>();
    if (Status s = ex_.env_.inventory_vars->AddHostLayers(*dh, target->scope.get()); !s)
      return s.take_error();
    target->scope->Add(vars::Layer::kExtraVars, ex_.env_.extra_vars);
  }
  return target;
}

Result<std::optional<Map>> TaskRunner::RunDelegatedFacts(HostState& host,
                                                         const playbook::Task& task,
                                                         const TaskContext& ctx,
                                                         const tmpl::Scope& scope, const Map& args,
                                                         std::string* delegated_to) {
  const std::string& a = task.action;
  if (a != "set_fact" && a != "setup" && a != "gather_facts") return std::optional<Map>();
  const Value* df = ctx.Inherited(task, "delegate_facts");
  bool yes = false;
  if (df) {
    Result<Value> on = tmpl::TemplateValue(*df, scope);
    if (!on) return on.take_error();
    yes = on->truthy();
    if (on->is_string()) {
      const std::string& s = on->as_string();
      yes = s == "yes" || s == "true" || s == "True" || s == "on" || s == "1";
    }
  }
  // set_fact delegates only its facts; setup/gather_facts also run on the
  // delegate without delegate_facts (their facts then land on the task's
  // host, as Ansible's).
  if (!yes && a == "set_fact") return std::optional<Map>();
  std::string target_name;
  Result<HostState*> target = DelegateTarget(host, task, ctx, scope, &target_name);
  if (!target) return target.take_error();
  if (*target == &host) return std::optional<Map>();
  *delegated_to = target_name;
  if (a == "set_fact") {
    Map facts;
    for (const auto& [k, v] : args)
      if (k != "cacheable") facts.set(k, v);
    play_.AddDelegatedFacts(*target, vars::Layer::kSetFact, facts);
    return std::optional<Map>(Map{{"changed", false}, {"ansible_facts", Value(std::move(facts))}});
  }
  // setup / gather_facts: gathered from the delegate.
  Result<Map> conn_vars = ConnectionVars(*(*target)->scope, ctx.Inherited(task, "connection"));
  if (!conn_vars) return conn_vars.take_error();
  Result<connection::FactsRequest> request = connection::FactsRequestFromArgs(args);
  if (!request)
    return std::optional<Map>(
        Map{{"changed", false}, {"failed", true}, {"msg", request.error().message}});
  Result<connection::Connection*> conn = ex_.env_.pool->Get(target_name, *conn_vars);
  if (!conn) return conn.take_error();
  Result<Map> facts = connection::GatherFacts(**conn, *request);
  if (!facts) {
    if (facts.error().code == ExitCode::kUnreachable)
      return std::optional<Map>(
          Map{{"changed", false}, {"msg", facts.error().message}, {"unreachable", true}});
    return std::optional<Map>(
        Map{{"changed", false}, {"failed", true}, {"msg", facts.error().message}});
  }
  if (yes) {
    play_.AddDelegatedFacts(*target, vars::Layer::kFacts, connection::FactsAsHostVars(*facts));
  } else {
    for (const auto& [k, v] : connection::FactsAsHostVars(*facts)) host.facts->set(k, v);
  }
  return std::optional<Map>(
      Map{{"changed", false}, {"ansible_facts", Value(connection::PrefixedFacts(*facts))}});
}

void PlayRun::AddDelegatedFacts(HostState* target, vars::Layer layer, Map facts) {
  std::lock_guard lock(delegated_facts_mu_);
  delegated_facts_.push_back(DelegatedFacts{target, layer, std::move(facts)});
}

void PlayRun::ApplyDelegatedFacts() {
  std::lock_guard lock(delegated_facts_mu_);
  for (DelegatedFacts& f : delegated_facts_) {
    Map& into = f.layer == vars::Layer::kFacts ? *f.target->facts : *f.target->set_facts;
    for (const auto& [k, v] : f.facts) into.set(k, v);
    // A delegate outside the batch: its hostvars entry is refreshed here
    // (UpdateHostvars refreshes the batch's).
    if (std::find(batch_.begin(), batch_.end(), f.target) == batch_.end() && f.target->host)
      SetOutsideHostvars(*f.target->host);
  }
  delegated_facts_.clear();
}

}  // namespace drover::executor
