// The probes of the tasks after the running one, for a batch (path_probe.h):
// each task's arguments templated as its own run will template them, as
// long as nothing between can change what they see. The plan only decides
// what is asked ahead; an answer is ever used only by a task whose own
// probe equals it, and only while no write has happened anywhere since.
#include <algorithm>

#include "executor/executor.h"
#include "executor/loops.h"
#include "executor/module_defaults.h"
#include "executor/task_runner.h"
#include "executor/template_scope.h"
#include "modules/args.h"
#include "template/template.h"

namespace drover::executor {

namespace {

constexpr size_t kMaxProbesAhead = 256;

// Keywords that change where or how a task runs, or what later tasks see,
// or that template with side effects: a task with one ends the plan.
constexpr const char* kEndsPlan[] = {
    "register",    "delegate_to", "local_action",  "connection",     "remote_user",
    "become",      "become_user", "become_method", "become_flags",   "become_exe",
    "environment", "check_mode",  "diff",          "timeout",        "until",
    "run_once",    "throttle",    "args",          "delegate_facts", "vars"};

// Text that may call a lookup (side effects: files written, commands run)
// or read the clock when templated.
bool MayHaveSideEffects(const Value& v) {
  const std::string text = tmpl::PyStr(v);
  for (const char* word : {"lookup", "query", "q(", "now(", "with_"})
    if (text.find(word) != std::string::npos) return true;
  return false;
}

bool Plannable(const playbook::Task& task) {
  for (const char* k : kEndsPlan)
    if (task.keywords.contains(k)) return false;
  for (const auto& [k, v] : task.keywords)
    if (k.rfind("with_", 0) == 0 && k != "with_items" && k != "with_list") return false;
  return !MayHaveSideEffects(Value(task.keywords)) && !MayHaveSideEffects(Value(task.args));
}

}  // namespace

std::vector<modules::PathProbe> TaskRunner::PlanAhead(HostState& host,
                                                      const playbook::Task& current,
                                                      const TaskContext& ctx,
                                                      const modules::RunContext& mctx,
                                                      bool after_only) const {
  std::vector<modules::PathProbe> probes;
  // A lookup reached through a variable would run twice: planning stops.
  tmpl::ThreadLookup no_lookups([](const std::string& plugin, const List&, const Map&, bool,
                                   const tmpl::Scope&) -> Result<Value> {
    return MakeError("lookup('" + plugin + "') while planning a batch");
  });
  std::vector<const playbook::Task*> tasks;
  if (after_only) {
    // The current task's own run carries the probes: it must run as they
    // would (no become, environment, ... of its own), once (no loop: a
    // second item's write would void them), and change no variable.
    if (!Plannable(current) || current.keywords.contains("loop") ||
        current.keywords.contains("with_items") || current.keywords.contains("with_list"))
      return probes;
  } else {
    tasks.push_back(&current);
  }
  tasks.insert(tasks.end(), ctx.ahead.begin(), ctx.ahead.end());
  for (const playbook::Task* task : tasks) {
    const modules::Module* module = modules::FindModule(task->action);
    if (!module || !Plannable(*task)) break;
    std::unique_ptr<vars::VarScope> scope = TaskScope(host, *task, ctx);
    TemplateScope tscope(*scope);
    Result<std::optional<List>> items = LoopItems(*task, tscope, TaskLookupContext(*task, ctx));
    if (!items) break;
    std::string loop_var = "item", index_var;
    if (const Value* lc = task->keywords.find("loop_control"); lc && lc->is_map()) {
      if (const Value* v = lc->as_map().find("loop_var"); v && v->is_string())
        loop_var = v->as_string();
      if (const Value* v = lc->as_map().find("index_var"); v && v->is_string())
        index_var = v->as_string();
    }
    std::vector<Map> runs;  // the locals of each run of the module
    if (!items->has_value()) {
      runs.emplace_back();
    } else {
      int64_t index = 0;
      for (const Value& item : **items) {
        Map locals{{loop_var, item}, {"ansible_loop_var", loop_var}};
        if (!index_var.empty()) {
          locals.set(index_var, Value(index));
          locals.set("ansible_index_var", Value(index_var));
        }
        runs.push_back(std::move(locals));
        ++index;
      }
    }
    for (const Map& locals : runs) {
      TemplateScope item_scope(*scope, &locals);
      bool run = true;
      for (const Value* c : ctx.Conditions(*task)) {
        Result<bool> holds = EvaluateAll(*c, item_scope);
        if (!holds) return probes;
        run = run && *holds;
      }
      if (!run) continue;
      std::vector<std::string> warnings;
      Result<Value> args =
          tmpl::TemplateValue(Value(WithModuleDefaults(*task, ctx, &warnings)), item_scope);
      if (!args || !args->is_map()) return probes;
      Map plain = args->as_map();
      RemoveOmitted(plain);
      Result<Map> parsed = modules::ParseArgs(task->action, plain, module->Spec(), task->where);
      if (!parsed) return probes;
      std::optional<modules::PathProbe> probe = module->PlanProbe(*parsed, mctx);
      if (!probe || probes.size() >= kMaxProbesAhead) return probes;
      probes.push_back(std::move(*probe));
    }
  }
  return probes;
}

}  // namespace drover::executor
