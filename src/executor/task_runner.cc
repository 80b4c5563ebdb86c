#include "executor/task_runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "connection/become.h"
#include "connection/facts.h"
#include "core/secrets.h"
#include "core/yaml.h"
#include "executor/condition_warnings.h"
#include "executor/connection_vars.h"
#include "executor/debug_action.h"
#include "executor/dynamic_inventory.h"
#include "executor/executor.h"
#include "executor/loops.h"
#include "executor/module_defaults.h"
#include "executor/play_run.h"
#include "executor/template_file_vars.h"
#include "executor/template_scope.h"
#include "modules/registry.h"
#include "template/search_path_loader.h"
#include "template/template.h"
#include "vars/hash_behaviour.h"
#include "vars/vars_file.h"

namespace drover::executor {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOmit = "__omit_place_holder__drover";
constexpr const char* kCensored =
    "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

const char* const kControllerActions[] = {
    "debug",    "set_fact",     "assert",         "fail",         "meta",
    "pause",    "include_vars", "setup",          "gather_facts", "wait_for_connection",
    "add_host", "group_by",     kUnresolvedAction};

bool IsController(const std::string& action) {
  for (const char* a : kControllerActions)
    if (action == a) return true;
  return false;
}

bool Truthy(const Value* v, const tmpl::Scope& scope, bool fallback) {
  if (!v) return fallback;
  if (v->is_bool()) return v->as_bool();
  Result<Value> t = tmpl::TemplateValue(*v, scope);
  if (!t) return fallback;
  if (t->is_string()) {
    std::string s = t->as_string();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s == "yes" || s == "true" || s == "on" || s == "1" || s == "y";
  }
  return t->truthy();
}

std::string LocationText(const Location& where) {
  return where.str();
}

Map Censored(const Map& result) {
  Map out{{"censored", kCensored}};
  if (const Value* c = result.find("changed")) out.set("changed", *c);
  if (const Value* f = result.find("failed")) out.set("failed", *f);
  if (const Value* s = result.find("skipped")) out.set("skipped", *s);
  return out;
}

output::Outcome StatusOf(const Map& r) {
  auto flag = [&](const char* k) {
    const Value* v = r.find(k);
    return v && v->truthy();
  };
  if (flag("unreachable")) return output::Outcome::kUnreachable;
  if (flag("failed")) return output::Outcome::kFailed;
  if (flag("skipped")) return output::Outcome::kSkipped;
  if (flag("changed")) return output::Outcome::kChanged;
  return output::Outcome::kOk;
}

// Adds stdout_lines/stderr_lines as Ansible's executor does.
void AddLines(Map& r) {
  for (const char* key : {"stdout", "stderr"}) {
    const Value* v = r.find(key);
    std::string lines_key = std::string(key) + "_lines";
    if (v && v->is_string() && !r.contains(lines_key))
      r.set(lines_key, Value(modules::SplitLines(v->as_string())));
  }
}

// A result that ran gets `failed` when it has none, as Ansible's executor
// sets it (rc != 0 counts as failed); shown output leaves it out, registered
// results have it.
void SetFailedKey(Map& r) {
  if (r.contains("failed") || r.contains("skipped") || r.contains("unreachable")) return;
  // failed_when decided (false here): a non-zero rc no longer counts.
  if (const Value* decided = r.find("failed_when_result")) {
    r.set("failed", decided->truthy());
    return;
  }
  const Value* rc = r.find("rc");
  r.set("failed", rc && !(*rc == Value(0)) && !(*rc == Value("0")));
}

// Facts a module returned (getent's getent_<db>, hostname's
// ansible_hostname): host variables of their own name and keys of
// `ansible_facts` without the "ansible_" prefix, as Ansible injects them.
void SetModuleFacts(HostState& host, const Map& facts) {
  Value* have = host.facts->find("ansible_facts");
  Map all = have && have->is_map() ? have->as_map() : Map{};
  for (const auto& [k, v] : facts) {
    host.facts->set(k, v);
    all.set(k.rfind("ansible_", 0) == 0 ? k.substr(8) : k, v);
  }
  host.facts->set("ansible_facts", Value(std::move(all)));
}

// A failure raised on the controller before or around the action
// (templating the arguments or the loop, evaluating when or until):
// TaskExecutor's dict(failed=True, msg=...), no "changed".
Map ControllerFailure(const Error& err) {
  Map r = modules::Failed(err.full());
  r.erase("changed");
  return r;
}

// A handler as Handler.get_name() names it: "role : name" as written
// (untemplated), or its action when unnamed.
std::string HandlerDisplayName(const playbook::Task& handler) {
  const Value* written = handler.keywords.find("name");
  if (!written || !written->is_string() || written->as_string().empty())
    return handler.display_name();
  return (handler.role ? handler.role->name + " : " : "") + written->as_string();
}

}  // namespace

void RemoveOmitted(Map& m) {
  std::vector<std::string> drop;
  for (auto& [k, v] : m) {
    if (v.is_string() && !v.is_vault() && v.as_string() == kOmit)
      drop.push_back(k);
    else if (v.is_map())
      RemoveOmitted(v.as_map());
  }
  for (const auto& k : drop) m.erase(k);
}

Result<bool> EvaluateAll(const Value& cond, const tmpl::Scope& scope) {
  if (cond.is_bool()) return cond.as_bool();
  if (cond.is_null()) return true;
  if (cond.is_list()) {
    for (const Value& c : cond.as_list()) {
      Result<bool> r = EvaluateAll(c, scope);
      if (!r) return r;
      if (!*r) return false;
    }
    return true;
  }
  if (cond.is_number()) return cond.truthy();
  if (!cond.is_string())
    return MakeError("a condition must be text, a bool or a list", cond.where());
  ConditionWarnings::Check(cond.as_string());
  Result<bool> r = tmpl::EvaluateConditional(cond.as_string(), scope);
  if (!r) {
    Error e = r.take_error();
    if (!e.where.known()) e.where = cond.where();
    e.message =
        "The conditional check '" + cond.as_string() + "' failed. The error was: " + e.message;
    return e;
  }
  return r;
}

bool IsRunnableAction(const std::string& action) {
  return IsController(action) || modules::FindModule(action) != nullptr ||
         action == "include_tasks" || action == "import_tasks" || action == "import_role" ||
         action == "include_role";
}

std::unique_ptr<vars::VarScope> TaskRunner::TaskScope(HostState& host, const playbook::Task& task,
                                                      const TaskContext& ctx) const {
  auto scope = std::make_unique<vars::VarScope>(host.scope.get());
  if (const playbook::Role* role = ctx.Role(task)) {
    scope->Add(vars::Layer::kRoleDefaults, role->defaults);
    scope->Add(vars::Layer::kRoleVars, role->vars);
    Map role_magic{
        {"role_name", role->name}, {"role_path", role->path}, {"ansible_role_name", role->name}};
    if (!role->parent_names.empty()) {
      role_magic.set("ansible_parent_role_names",
                     Value(List(role->parent_names.begin(), role->parent_names.end())));
      role_magic.set("ansible_parent_role_paths",
                     Value(List(role->parent_paths.begin(), role->parent_paths.end())));
    }
    scope->Add(vars::Layer::kMagic, std::move(role_magic));
  }
  for (const playbook::Block* b : ctx.blocks)
    if (const Value* p = b->keywords.find("_role_params"); p && p->is_map())
      scope->Add(vars::Layer::kRoleParams, p->as_map());
  for (const Value* v : ctx.BlockVars()) AddVarsKeyword(*scope, vars::Layer::kBlockVars, v);
  AddVarsKeyword(*scope, vars::Layer::kTaskVars, task.keywords.find("vars"));
  if (!ctx.include_params.empty()) scope->Add(vars::Layer::kIncludeParams, ctx.include_params);
  return scope;
}

void AddVarsKeyword(vars::VarScope& scope, vars::Layer layer, const Value* vars) {
  if (vars && vars->is_map()) scope.Add(layer, vars->as_map());
  if (vars && vars->is_list())
    for (const Value& m : vars->as_list())
      if (m.is_map()) scope.Add(layer, m.as_map());
}

Map VarsKeywordMap(const Value* vars) {
  Map out;
  if (vars && vars->is_map()) out = vars->as_map();
  if (vars && vars->is_list())
    for (const Value& m : vars->as_list())
      if (m.is_map())
        for (const auto& [k, v] : m.as_map()) out.set(k, v);
  return out;
}

std::string MetaKind(const playbook::Task& task) {
  const Value* what = task.args.find("_raw_params");
  return what && what->is_string() ? what->as_string() : "";
}

bool MetaIgnoresWhen(const std::string& kind) {
  return kind == "noop" || kind == "refresh_inventory" || kind == "reset_connection" ||
         kind == "role_complete";
}

TaskOutcome TaskRunner::Run(HostState& host, const playbook::Task& task, const TaskContext& ctx) {
  TaskOutcome outcome;
  // lookup()/query() in this task's templates run Ansible's lookup plugins.
  const LookupContext lookup_ctx = TaskLookupContext(task, ctx);
  tmpl::ThreadLookup lookups(MakeLookupHook(
      lookup_ctx, [this](const std::string& w) { ex_.env_.reporter->OnWarning(w); }));
  ConditionWarnings condition_warnings(
      [this](const std::string& w) { ex_.env_.reporter->OnWarning(w); });
  std::unique_ptr<vars::VarScope> scope = TaskScope(host, task, ctx);
  TemplateScope tscope(*scope);
  const std::string where = LocationText(task.where);
  const bool no_log = Truthy(ctx.Inherited(task, "no_log"), tscope, false);
  const bool ignore_errors = Truthy(ctx.Inherited(task, "ignore_errors"), tscope, false);
  const bool ignore_unreachable = Truthy(ctx.Inherited(task, "ignore_unreachable"), tscope, false);
  const Value* register_name = task.keywords.find("register");
  const std::string reg =
      register_name && register_name->is_string() ? register_name->as_string() : "";

  auto report = [&](const Map& result, output::Outcome status, bool is_item,
                    const std::string& label, bool ignored, const std::string& delegated,
                    bool verbose_always) {
    output::HostResult e;
    e.host = host.name;
    e.delegated_to = delegated;
    e.status = status;
    e.ignored = ignored;
    e.is_item = is_item;
    e.item_label = label;
    e.result = Value(no_log ? Censored(result) : result);
    e.verbose_always = verbose_always && !no_log;
    e.where = where;
    e.action = task.action;
    if (!no_log)
      if (const Value* d = result.find("_drover_diff"); d && d->is_string())
        e.diff = d->as_string();
    ex_.env_.reporter->OnHostResult(e);
  };
  auto fail_with = [&](const Error& err) {
    Map r = modules::Failed(err.full());
    outcome.status = err.code == ExitCode::kUnreachable ? output::Outcome::kUnreachable
                                                        : output::Outcome::kFailed;
    if (outcome.status == output::Outcome::kUnreachable) {
      r = Map{{"changed", false}, {"msg", err.message}, {"unreachable", true}};
    }
    outcome.result = r;
    return r;
  };

  // Loop items (the task's `when` is evaluated per item when it loops).
  Result<std::optional<List>> items = LoopItems(task, tscope, lookup_ctx);
  // 2.14 evaluates no `when` on these meta actions (it warns; the play does).
  const std::vector<const Value*> conditions =
      task.action == "meta" && MetaIgnoresWhen(MetaKind(task)) ? std::vector<const Value*>{}
                                                               : ctx.Conditions(task);

  auto conditions_hold = [&](const tmpl::Scope& s, std::string* failed_condition) -> Result<bool> {
    for (const Value* c : conditions) {
      Result<bool> ok = EvaluateAll(*c, s);
      if (!ok) return ok;
      if (!*ok) {
        if (failed_condition) *failed_condition = c->is_string() ? c->as_string() : "";
        return false;
      }
    }
    return true;
  };

  std::string loop_var = "item", index_var, label_template;
  double pause_s = 0;
  if (const Value* lc = task.keywords.find("loop_control"); lc && lc->is_map()) {
    if (const Value* v = lc->as_map().find("loop_var"); v && v->is_string())
      loop_var = v->as_string();
    if (const Value* v = lc->as_map().find("index_var"); v && v->is_string())
      index_var = v->as_string();
    if (const Value* v = lc->as_map().find("label"); v && v->is_string())
      label_template = v->as_string();
    if (const Value* v = lc->as_map().find("pause"); v && v->is_number()) pause_s = v->as_number();
  }

  // The task's notify names templated in `names_scope` (appended to
  // `names`). In a loop each item that ran gives its own, templated with the
  // item (`notify: restart {{ item }}`), as Ansible's per-item
  // _ansible_notify; they all notify when the task as a whole changed.
  auto notify_names = [&](const tmpl::Scope& names_scope, List& names) {
    const Value* notify = ctx.Inherited(task, "notify");
    if (!notify || notify->is_null()) return true;
    Result<Value> templated = tmpl::TemplateValue(*notify, names_scope);
    if (!templated) {
      outcome.stop = templated.take_error();
      return false;
    }
    if (templated->is_list()) {
      for (const Value& n : templated->as_list()) names.push_back(n);
    } else {
      names.push_back(*templated);
    }
    return true;
  };
  // A changed result notifies the handlers `names` name; a name no handler
  // answers to stops the run, before the result is shown.
  auto notify_handlers = [&](output::Outcome status, const List& names) {
    if (status != output::Outcome::kChanged) return true;
    for (const Value& n : names) {
      if (!n.is_string()) continue;
      Result<std::vector<const playbook::Task*>> found = play_.NotifyTargets(n.as_string());
      if (!found) {
        outcome.stop = found.take_error();
        return false;
      }
      for (const playbook::Task* handler : *found) {
        // v2_playbook_on_notify (from -vv) when the host is newly notified.
        if (!host.notified.contains(handler) &&
            std::find(outcome.notify.begin(), outcome.notify.end(), handler) ==
                outcome.notify.end())
          ex_.env_.reporter->OnVerbose(
              2, "NOTIFIED HANDLER " + HandlerDisplayName(*handler) + " for " + host.name);
        outcome.notify.push_back(handler);
      }
    }
    return true;
  };

  auto finish = [&](Map result) {
    outcome.result = result;
    outcome.status = StatusOf(result);
    // Answers fetched ahead are for a run that goes on as planned: a failed
    // task drops them (its host stops, or ignore_errors/rescue changes course).
    if (outcome.status == output::Outcome::kFailed ||
        outcome.status == output::Outcome::kUnreachable)
      host.probe_cache->Clear();
    if (outcome.status == output::Outcome::kFailed && ignore_errors) outcome.ignored = true;
    if (outcome.status == output::Outcome::kUnreachable && ignore_unreachable)
      outcome.ignored = true;
    if (!reg.empty()) host.set_facts->set(reg, Value(result));
    return outcome;
  };

  if (!items) {
    // Loop items that cannot be templated: a `when` that is false (without
    // the loop variable) skips the task, as in Ansible.
    if (Result<bool> run = conditions_hold(tscope, nullptr); run && !*run) {
      Map r{{"changed", false}, {"skip_reason", "Conditional result was False"}, {"skipped", true}};
      report(r, output::Outcome::kSkipped, false, "", false, "", false);
      outcome.status = output::Outcome::kSkipped;
      outcome.result = r;
      if (!reg.empty()) host.set_facts->set(reg, Value(r));
      return outcome;
    }
    Map r = ControllerFailure(items.error());
    outcome.status = output::Outcome::kFailed;
    report(r, outcome.status, false, "", ignore_errors, "", false);
    return finish(r);
  }

  if (!items->has_value()) {
    std::string failed_condition;
    Result<bool> run = conditions_hold(tscope, &failed_condition);
    if (!run) {
      Map r = ControllerFailure(run.error());
      outcome.status = output::Outcome::kFailed;
      report(r, outcome.status, false, "", ignore_errors, "", false);
      return finish(r);
    }
    if (!*run && task.action == "meta") {
      outcome.status = output::Outcome::kSkipped;
      outcome.meta_skipped = true;
      return outcome;
    }
    if (!*run) {
      Map r{{"changed", false}, {"skip_reason", "Conditional result was False"}, {"skipped", true}};
      report(r, output::Outcome::kSkipped, false, "", false, "", false);
      outcome.status = output::Outcome::kSkipped;
      outcome.result = r;
      if (!reg.empty()) host.set_facts->set(reg, Value(r));
      return outcome;
    }
    std::string delegated;
    Map empty_locals;
    Result<Map> r = RunOnce(host, task, ctx, *scope, empty_locals, &delegated, &outcome.meta);
    Map result = r ? std::move(r).value() : fail_with(r.error());
    const output::Outcome status = StatusOf(result);
    const bool ignored = (status == output::Outcome::kFailed && ignore_errors) ||
                         (status == output::Outcome::kUnreachable && ignore_unreachable);
    const bool verbose = result.contains("_ansible_verbose_always");
    List names;
    if (status == output::Outcome::kChanged && !notify_names(tscope, names)) return outcome;
    if (!notify_handlers(status, names)) return outcome;
    // meta prints only its banner, as in Ansible.
    if (task.action != "meta" || status == output::Outcome::kFailed)
      report(result, status, false, "", ignored, delegated, verbose);
    result.erase("_ansible_verbose_always");
    result.erase("_drover_diff");
    SetFailedKey(result);
    return finish(result);
  }

  // A loop: one result per item, aggregated as Ansible does.
  List results, item_notify_names;
  bool any_changed = false, any_failed = false, all_skipped = true, any_unreachable = false;
  int64_t index = 0;
  for (const Value& item : **items) {
    Map locals{{loop_var, item}, {"ansible_loop_var", loop_var}};
    if (!index_var.empty()) {
      locals.set(index_var, Value(index));
      locals.set("ansible_index_var", Value(index_var));
    }
    const std::optional<Value> extended = ExtendedLoopVar(task, **items, index);
    if (extended) locals.set("ansible_loop", *extended);
    TemplateScope item_scope(*scope, &locals);
    std::string label = tmpl::PyStr(item);
    if (!label_template.empty()) {
      Result<Value> l = tmpl::TemplateString(label_template, item_scope);
      if (l) label = tmpl::PyStr(*l);
    }
    Map r;
    std::string delegated;
    Result<bool> run = conditions_hold(item_scope, nullptr);
    if (!run) {
      r = ControllerFailure(run.error());
    } else if (!*run) {
      r = Map{
          {"changed", false}, {"skip_reason", "Conditional result was False"}, {"skipped", true}};
    } else {
      Result<Map> once = RunOnce(host, task, ctx, *scope, locals, &delegated, &outcome.meta);
      r = once ? std::move(once).value() : fail_with(once.error());
    }
    const bool verbose = r.contains("_ansible_verbose_always");
    r.set(loop_var, item);
    r.set("ansible_loop_var", Value(loop_var));
    if (!index_var.empty()) r.set(index_var, Value(index));
    if (extended) r.set("ansible_loop", *extended);
    if (!label_template.empty()) r.set("_ansible_item_label", Value(label));
    const output::Outcome status = StatusOf(r);
    if (status != output::Outcome::kSkipped && !notify_names(item_scope, item_notify_names))
      return outcome;
    // Under no_log 2.14 shows the censored item's label: (item=None).
    report(r, status, true, no_log ? "None" : label,
           status == output::Outcome::kFailed && ignore_errors, delegated, verbose);
    r.erase("_ansible_verbose_always");
    r.erase("_drover_diff");
    SetFailedKey(r);
    // As 2.14 combines them: a failed item that changed something counts.
    const Value* item_changed = r.find("changed");
    any_changed = any_changed || (item_changed && item_changed->truthy());
    any_failed = any_failed || status == output::Outcome::kFailed;
    any_unreachable = any_unreachable || status == output::Outcome::kUnreachable;
    all_skipped = all_skipped && status == output::Outcome::kSkipped;
    results.push_back(Value(std::move(r)));
    ++index;
    if (any_unreachable) break;
    if (pause_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(pause_s));
  }
  Map agg{{"changed", any_changed},
          {"msg", any_failed ? "One or more items failed" : "All items completed"},
          {"results", Value(std::move(results))}};
  if (any_failed) agg.set("failed", true);
  if (any_unreachable) agg.set("unreachable", true);
  if ((*items)->empty()) {
    agg = Map{{"changed", false},
              {"skipped", true},
              {"skipped_reason", "No items in the list"},
              {"results", Value(List{})}};
    report(agg, output::Outcome::kSkipped, false, "", false, "", false);
  } else {
    // Ansible's aggregate always says whether every item was skipped.
    agg.set("skipped", all_skipped);
  }
  if (!any_failed && !any_unreachable && !all_skipped) agg.erase("failed");
  if (!notify_handlers(StatusOf(agg), item_notify_names)) return outcome;
  // The default output prints the items only; other shapes print this.
  if (!(*items)->empty()) {
    output::HostResult e;
    e.host = host.name;
    e.status = StatusOf(agg);
    e.ignored = (e.status == output::Outcome::kFailed && ignore_errors) ||
                (e.status == output::Outcome::kUnreachable && ignore_unreachable);
    e.result = Value(no_log ? Censored(agg) : agg);
    e.where = where;
    e.action = task.action;
    ex_.env_.reporter->OnCombinedResult(e);
  }
  return finish(agg);
}

Result<Map> TaskRunner::RunOnce(HostState& host, const playbook::Task& task, const TaskContext& ctx,
                                const vars::VarScope& scope, const Map& locals,
                                std::string* delegated_to, std::string* meta) {
  TemplateScope tscope(scope, &locals);
  // Arguments are templated per item; unsafe strings stay as written.
  std::vector<std::string> warnings;
  Map args = WithModuleDefaults(task, ctx, &warnings);
  for (const std::string& w : warnings) ex_.env_.reporter->OnWarning(w);
  if (task.action != "assert") {
    Result<Value> templated = tmpl::TemplateValue(Value(args), tscope);
    if (!templated) return ControllerFailure(templated.error());
    args = templated->as_map();
  }
  RemoveOmitted(args);

  const Value* until = task.keywords.find("until");
  int retries = 0;
  double delay = 5;
  if (until) {
    retries = 3;
    if (const Value* r = task.keywords.find("retries")) {
      Result<Value> t = tmpl::TemplateValue(*r, tscope);
      if (t && t->is_int())
        retries = static_cast<int>(t->as_int());
      else if (t && t->is_string())
        retries = std::atoi(t->as_string().c_str());
    }
    if (const Value* d = task.keywords.find("delay")) {
      Result<Value> t = tmpl::TemplateValue(*d, tscope);
      if (t && t->is_number())
        delay = t->as_number();
      else if (t && t->is_string())
        delay = std::atof(t->as_string().c_str());
    }
  }
  const Value* register_name = task.keywords.find("register");
  const std::string reg =
      register_name && register_name->is_string() ? register_name->as_string() : "";

  Map result;
  for (int attempt = 1;; ++attempt) {
    Result<Map> r = RunAction(host, task, ctx, scope, locals, args, delegated_to, meta);
    if (!r) return r;
    result = std::move(r).value();
    AddLines(result);
    // changed_when / failed_when / until see the result under the register
    // name (as Ansible exposes it).
    Map with_result = locals;
    if (!reg.empty()) with_result.set(reg, Value(result));
    TemplateScope rscope(scope, &with_result);
    if (const Value* cw = task.keywords.find("changed_when")) {
      Result<bool> c = EvaluateAll(*cw, rscope);
      // TaskExecutor: a condition that cannot be evaluated fails the
      // task, its text in changed_when_result/failed_when_result.
      if (!c) {
        result.set("failed", true);
        result.set("changed_when_result", Value(c.error().message));
        break;
      }
      result.set("changed", *c);
    }
    if (const Value* fw = task.keywords.find("failed_when")) {
      Result<bool> f = EvaluateAll(*fw, rscope);
      if (!f) {
        result.set("failed", true);
        result.set("failed_when_result", Value(f.error().message));
        break;
      }
      result.set("failed_when_result", *f);
      if (*f)
        result.set("failed", true);
      else
        result.erase("failed");
    }
    if (!until) break;
    result.set("attempts", attempt);
    if (!reg.empty()) with_result.set(reg, Value(result));
    TemplateScope uscope(scope, &with_result);
    Result<bool> done = EvaluateAll(*until, uscope);
    if (!done) return ControllerFailure(done.error());
    if (*done) {
      result.erase("failed");
      break;
    }
    if (attempt > retries) {
      result.set("failed", true);
      if (!result.contains("msg")) result.set("msg", "Retried too many times");
      break;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
  }
  return result;
}

Result<Map> TaskRunner::RunAction(HostState& host, const playbook::Task& task,
                                  const TaskContext& ctx, const vars::VarScope& scope,
                                  const Map& locals, Map args, std::string* delegated_to,
                                  std::string* meta) {
  if (IsController(task.action)) {
    TemplateScope dscope(scope, &locals);
    Result<std::optional<Map>> delegated =
        RunDelegatedFacts(host, task, ctx, dscope, args, delegated_to);
    if (!delegated) return delegated.take_error();
    if (*delegated) return std::move(**delegated);
    // Run here, shown as delegated ("h1 -> localhost") as Ansible shows it.
    if (const Value* d = ctx.Inherited(task, "delegate_to"); d && !d->is_null())
      if (Result<Value> name = tmpl::TemplateValue(*d, dscope);
          name && name->is_string() && !name->as_string().empty() && name->as_string() != host.name)
        *delegated_to = name->as_string();
    return RunController(host, task, ctx, scope, locals, args, meta);
  }
  const modules::Module* module = modules::FindModule(task.action);
  if (!module) {
    return MakeError("the module '" + task.action + "' is not implemented by drover yet",
                     task.where);
  }
  Result<Map> parsed = modules::ParseArgs(task.action, args, module->Spec(), task.where);
  if (!parsed) return parsed.take_error();

  TemplateScope tscope(scope, &locals);
  // The host the module runs on: the task's host, or its delegate.
  Result<HostState*> delegate = DelegateTarget(host, task, ctx, tscope, delegated_to);
  if (!delegate) return delegate.take_error();
  HostState* target = *delegate;
  // Connection variables: the task's own (play, block and task vars apply)
  // on its host; a delegate's are templated with the delegate's variables.
  Result<Map> conn_vars =
      ConnectionVars(target == &host ? scope : *target->scope, ctx.Inherited(task, "connection"));
  if (!conn_vars) return conn_vars.take_error();
  Result<connection::Connection*> conn = ex_.env_.pool->Get(target->name, *conn_vars);
  if (!conn) return conn.take_error();

  modules::RunContext mctx;
  mctx.conn = *conn;
  mctx.where = task.where;
  bool check = ex_.options_.check;
  if (const Value* cm = ctx.Inherited(task, "check_mode"); cm && !cm->is_null())
    check = Truthy(cm, tscope, check);
  bool diff = ex_.options_.diff;
  if (const Value* dm = ctx.Inherited(task, "diff"); dm && !dm->is_null())
    diff = Truthy(dm, tscope, diff);
  mctx.check_mode = check;
  mctx.diff_mode = diff;
  // Local sources (copy src=, template src=): the role's dir, then the playbook's.
  if (const playbook::Role* role = ctx.Role(task)) mctx.search_paths.push_back(role->path);
  if (const Value* pd = scope.Find("playbook_dir"); pd && pd->is_string())
    mctx.search_paths.push_back(pd->as_string());
  // include/import/extends in a template: Ansible's template searchpath.
  // The template module's source also sees template_* and ansible_managed
  // over the task's variables (template_file_vars.h).
  const bool template_module = module->Name() == "template";
  mctx.render = [&tscope, &parsed, template_module, dirs = mctx.search_paths](
                    const std::string& text, const std::string& name) -> Result<std::string> {
    Result<tmpl::Template> t = tmpl::Template::Parse(text, name, tmpl::Options::TemplateModule());
    if (!t) return t.take_error();
    std::vector<std::string> search = dirs;
    search.push_back(std::filesystem::path(name).parent_path().string());
    tmpl::Hooks hooks;
    hooks.loader = tmpl::SearchPathLoader(tmpl::TemplateSearchPath(search));
    if (!template_module) return t->Render(tscope, hooks);
    auto arg = [&parsed](const char* key) {
      const Value* v = parsed->find(key);
      return v && v->is_string() ? v->as_string() : std::string();
    };
    Result<Map> file_vars = TemplateFileVars(arg("src"), name, arg("dest"));
    if (!file_vars) return file_vars.take_error();
    tmpl::MapScope top{Value(std::move(*file_vars))};
    tmpl::LayeredScope layered(top, tscope);
    return t->Render(layered, hooks);
  };

  // become: host variables win over keywords, keywords over the command line.
  const Value* become_var = scope.Find("ansible_become");
  bool become = become_var ? Truthy(become_var, tscope, false)
                           : Truthy(ctx.Inherited(task, "become"), tscope, ex_.options_.become);
  if (become) {
    connection::BecomeSpec spec;
    auto pick = [&](const char* var, const char* keyword, const std::string& cli,
                    const char* fallback) {
      if (const Value* v = scope.Find(var)) {
        Result<Value> t = tmpl::TemplateValue(*v, tscope);
        if (t && t->is_string()) return t->as_string();
      }
      if (const Value* k = ctx.Inherited(task, keyword)) {
        Result<Value> t = tmpl::TemplateValue(*k, tscope);
        if (t && t->is_string()) return t->as_string();
      }
      return cli.empty() ? std::string(fallback) : cli;
    };
    spec.user = pick("ansible_become_user", "become_user", ex_.options_.become_user, "root");
    spec.method =
        pick("ansible_become_method", "become_method", ex_.options_.become_method, "sudo");
    std::string flags = pick("ansible_become_flags", "become_flags", "", "");
    if (!flags.empty()) {
      spec.flags = flags;
    } else if (auto m = connection::CanonicalBecomeMethod(spec.method)) {
      if (auto it = ex_.options_.become_flags.find(*m); it != ex_.options_.become_flags.end())
        spec.flags = it->second;
    }
    for (const char* pw_var : {"ansible_become_password", "ansible_become_pass"}) {
      if (const Value* v = scope.Find(pw_var)) {
        Result<Value> t = tmpl::TemplateValue(*v, tscope);
        if (t && t->is_string()) {
          spec.password = t->as_string();
          RegisterSecret(*spec.password);
        }
        break;
      }
    }
    if (!spec.password && ex_.options_.become_password)
      spec.password = ex_.options_.become_password;
    // A method no Ansible plugin has fails the task as TaskExecutor's
    // exception does (msg only), before anything runs on the host.
    if (Result<connection::BecomePlan> plan = connection::WrapBecome("", spec); !plan)
      return ControllerFailure(plan.error());
    mctx.become = spec;
  }
  for (const Value* env : ctx.Environments(task)) {
    Result<Value> t = tmpl::TemplateValue(*env, tscope);
    if (!t) return t.take_error();
    if (!t->is_map()) continue;
    for (const auto& [k, v] : t->as_map()) {
      std::string text = v.is_string() ? v.as_string() : tmpl::PyStr(v);
      auto it = std::find_if(mctx.environment.begin(), mctx.environment.end(),
                             [&key = k](const auto& p) { return p.first == key; });
      if (it != mctx.environment.end())
        it->second = text;
      else
        mctx.environment.emplace_back(k, text);
    }
  }
  // timeout: the module's scripts are killed on the host when time is up.
  long timeout_s = 0;
  if (const Value* t = ctx.Inherited(task, "timeout"); t && !t->is_null()) {
    Result<Value> tv = tmpl::TemplateValue(*t, tscope);
    if (tv && tv->is_int()) timeout_s = static_cast<long>(tv->as_int());
    if (tv && tv->is_string()) timeout_s = std::atol(tv->as_string().c_str());
  }
  if (timeout_s > 0)
    mctx.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  if (ex_.options_.batch && target == &host) {
    mctx.probe_cache = host.probe_cache.get();
    if (!ctx.ahead.empty() || task.keywords.contains("loop") ||
        task.keywords.contains("with_items") || task.keywords.contains("with_list"))
      mctx.plan_ahead = [this, &host, &task, &ctx, &mctx] {
        return PlanAhead(host, task, ctx, mctx);
      };
    // Its writes may carry the next tasks' probes (ExecThenProbe; the
    // write clock keeps only answers no other write on its machine voids).
    if (!ctx.ahead.empty())
      mctx.plan_after = [this, &host, &task, &ctx, &mctx] {
        return PlanAhead(host, task, ctx, mctx, true);
      };
  }
  Result<Map> result = module->Run(*parsed, mctx);
  if (mctx.deadline && std::chrono::steady_clock::now() >= *mctx.deadline) {
    return Map{{"changed", false},
               {"failed", true},
               {"msg", "The " + task.action_as_written +
                           " action failed to execute in the expected time frame (" +
                           std::to_string(timeout_s) + ") and was terminated"}};
  }
  if (!result) {
    Error e = result.take_error();
    if (e.code == ExitCode::kUnreachable) {
      ex_.env_.pool->MarkUnreachable(target->name);
      return Map{{"changed", false}, {"msg", e.message}, {"unreachable", true}};
    }
    return Map{{"changed", false}, {"failed", true}, {"msg", e.message}};
  }
  if (const Value* facts = result->find("ansible_facts"); facts && facts->is_map())
    SetModuleFacts(host, facts->as_map());
  return result;
}

Result<Map> TaskRunner::RunController(HostState& host, const playbook::Task& task,
                                      const TaskContext& ctx, const vars::VarScope& scope,
                                      const Map& locals, const Map& args, std::string* meta) {
  TemplateScope tscope(scope, &locals);
  auto text = [&](const char* key) -> std::string {
    const Value* v = args.find(key);
    return v && v->is_string() ? v->as_string() : (v && !v->is_null() ? tmpl::PyStr(*v) : "");
  };
  auto check_args = [&](std::vector<std::string_view> allowed) -> Status {
    for (const auto& [k, v] : args) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        return MakeError(
            "unsupported argument '" + k + "' for '" + task.action + "'" + " (supported: " +
                [&] {
                  std::string s;
                  for (auto a : allowed) s += (s.empty() ? "" : ", ") + std::string(a);
                  return s;
                }() +
                ")",
            task.where);
      }
    }
    return Status();
  };
  const std::string& a = task.action;
  if (a == kUnresolvedAction)  // a templated module name that cannot run (templated_action.cc)
    return Map{{"failed", true}, {"msg", Value(text("msg"))}};
  if (a == "debug") {
    if (Status s = check_args({"msg", "var", "verbosity"}); !s) return s.take_error();
    return DebugAction(args, tscope, ex_.options_.verbosity);
  }
  if (a == "set_fact") {
    Map facts;
    for (const auto& [k, v] : args) {
      if (k == "cacheable") continue;
      // Ansible's set_fact turns "true"/"false"/"yes"/"no" into booleans.
      Value fact = v;
      if (v.is_string() && !v.is_vault()) {
        std::string l = v.as_string();
        for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (l == "true" || l == "yes") fact = Value(true);
        if (l == "false" || l == "no") fact = Value(false);
      }
      facts.set(k, fact);
      host.set_facts->set(k, fact);
    }
    return Map{{"changed", false}, {"ansible_facts", Value(std::move(facts))}};
  }
  if (a == "assert") {
    if (Status s = check_args({"that", "msg", "fail_msg", "success_msg", "quiet"}); !s)
      return s.take_error();
    const Value* that = args.find("that");
    if (!that) return MakeError("assert: missing required argument 'that'", task.where);
    List conditions = that->is_list() ? that->as_list() : List{*that};
    auto message = [&](const char* key, const char* fallback) -> Value {
      const Value* m = args.find(key);
      if (!m) return Value(fallback);
      Result<Value> t = tmpl::TemplateValue(*m, tscope);
      return t ? *t : *m;
    };
    // Shown indented, failed or not, unless quiet (the action's
    // _ansible_verbose_always).
    const Value* quiet = args.find("quiet");
    bool is_quiet = false;
    const bool verbose = !(quiet && modules::ToBool(*quiet, &is_quiet) && is_quiet);
    for (const Value& c : conditions) {
      Result<bool> ok = EvaluateAll(c, tscope);
      if (!ok) return ok.take_error();
      if (!*ok) {
        Value msg = args.contains("fail_msg") ? message("fail_msg", "Assertion failed")
                                              : message("msg", "Assertion failed");
        Map failed{{"assertion", c},
                   {"changed", false},
                   {"evaluated_to", false},
                   {"failed", true},
                   {"msg", msg}};
        if (verbose) failed.set("_ansible_verbose_always", true);
        return failed;
      }
    }
    Map r{{"changed", false}, {"msg", message("success_msg", "All assertions passed")}};
    if (verbose) r.set("_ansible_verbose_always", true);
    return r;
  }
  if (a == "fail") {
    if (Status s = check_args({"msg"}); !s) return s.take_error();
    const Value* msg = args.find("msg");
    return Map{{"changed", false},
               {"failed", true},
               {"msg", msg ? *msg : Value("Failed as requested from task")}};
  }
  if (a == "meta") {
    std::string what = text("_raw_params");
    static const char* known[] = {"flush_handlers",
                                  "end_play",
                                  "end_host",
                                  "end_batch",
                                  "noop",
                                  "clear_facts",
                                  "clear_host_errors",
                                  "refresh_inventory",
                                  "reset_connection",
                                  "role_complete"};
    bool found = false;
    for (const char* k : known) found = found || what == k;
    if (!found) return MakeError("invalid meta action requested: " + what, task.where);
    *meta = what;
    if (what == "clear_facts") *host.facts = Map{};
    return Map{{"changed", false}, {"_drover_meta", what}};
  }
  if (a == "pause") {
    double seconds = 0;
    if (const Value* s = args.find("seconds"))
      seconds = s->is_number() ? s->as_number() : std::atof(text("seconds").c_str());
    if (const Value* m = args.find("minutes"))
      seconds += 60 * (m->is_number() ? m->as_number() : std::atof(text("minutes").c_str()));
    auto start = std::chrono::steady_clock::now();
    if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return Map{{"changed", false},
               {"delta", static_cast<int64_t>(waited)},
               {"stdout", "Paused for " + std::to_string(seconds / 60.0) + " minutes"}};
  }
  if (a == "include_vars") {
    std::string file = text("file");
    if (file.empty()) file = text("_raw_params");
    if (file.empty())
      return MakeError("include_vars needs a file (dir is not supported yet)", task.where);
    fs::path p(file);
    if (!p.is_absolute()) {
      const playbook::Role* role = ctx.Role(task);
      std::vector<fs::path> candidates;
      if (role) candidates.push_back(fs::path(role->path) / "vars" / file);
      if (ctx.play) candidates.push_back(fs::path(ctx.play->dir) / "vars" / file);
      if (ctx.play) candidates.push_back(fs::path(ctx.play->dir) / file);
      for (const auto& c : candidates)
        if (fs::exists(c)) {
          p = c;
          break;
        }
    }
    Result<Map> loaded = vars::LoadVarsFile(p.string());
    if (!loaded) return loaded.take_error();
    std::string name = text("name");
    if (!name.empty())
      vars::CombineInto(*host.include_vars, name, Value(*loaded));
    else
      for (const auto& [k, v] : *loaded) vars::CombineInto(*host.include_vars, k, v);
    return Map{{"changed", false},
               {"ansible_facts", Value(*loaded)},
               {"ansible_included_var_files", Value(List{Value(p.string())})}};
  }
  if (a == "setup" || a == "gather_facts") {
    Result<Map> conn_vars = ConnectionVars(scope, ctx.Inherited(task, "connection"));
    if (!conn_vars) return conn_vars.take_error();
    Result<connection::FactsRequest> request = connection::FactsRequestFromArgs(args);
    if (!request) return modules::Failed(request.error().message);
    Result<connection::Connection*> conn = ex_.env_.pool->Get(host.name, *conn_vars);
    if (!conn) return conn.take_error();
    Result<Map> facts = connection::GatherFacts(**conn, *request);
    if (!facts) {
      if (facts.error().code == ExitCode::kUnreachable) {
        host.unreachable = true;
        ex_.env_.pool->MarkUnreachable(host.name);
        return Map{{"changed", false}, {"msg", facts.error().message}, {"unreachable", true}};
      }
      return modules::Failed(facts.error().message);
    }
    Map as_vars = connection::FactsAsHostVars(*facts);
    for (const auto& [k, v] : as_vars) host.facts->set(k, v);
    return Map{{"changed", false}, {"ansible_facts", Value(connection::PrefixedFacts(*facts))}};
  }
  if (a == "add_host" || a == "group_by") {
    Map r = a == "add_host" ? AddHostAction(args) : GroupByAction(args);
    if (r.contains("failed")) return r;
    // Applied at once (hosts run in parallel, so under the inventory lock):
    // the next task and the next plays see the changed inventory.
    std::lock_guard lock(ex_.delegate_mu_);
    Result<bool> changed = a == "add_host"
                               ? ApplyAddHost(*ex_.env_.inventory, r.find("add_host")->as_map())
                               : ApplyAddGroup(*ex_.env_.inventory, *host.host, r);
    if (!changed) return modules::Failed(changed.error().message);
    r.set("changed", *changed);
    ex_.env_.inventory_vars->InventoryChanged();
    return r;
  }
  if (a == "wait_for_connection") {
    Result<Map> conn_vars = ConnectionVars(scope, ctx.Inherited(task, "connection"));
    if (!conn_vars) return conn_vars.take_error();
    Result<connection::Connection*> conn = ex_.env_.pool->Get(host.name, *conn_vars);
    if (!conn) return conn.take_error();
    Status s = (*conn)->Connect();
    if (!s) return modules::Failed(s.error().message);
    return Map{{"changed", false}, {"elapsed", 0}};
  }
  return MakeError("the action '" + a + "' is not implemented by drover yet", task.where);
}

}  // namespace drover::executor
