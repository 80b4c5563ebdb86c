// One task on one host: conditions, loop items, argument templating, the
// module or controller action, until/retries, changed_when/failed_when,
// register, notify, no_log. Thread-compatible: one call per host may run
// on each worker at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "executor/host_state.h"
#include "executor/task_context.h"
#include "modules/module.h"
#include "output/events.h"
#include "playbook/model.h"
#include "template/template.h"

namespace drover::executor {

class Executor;
class PlayRun;

// What the strategy needs to know after a task ran on a host.
struct TaskOutcome {
  output::Outcome status = output::Outcome::kOk;
  bool ignored = false;  // failed but ignore_errors
  std::string meta;      // meta action requested (flush_handlers, end_play, ...)
  // A meta action skipped by its `when` (`meta` stays empty): not reported
  // nor counted here; the play shows it as 2.14's _execute_meta does.
  bool meta_skipped = false;
  Map result;  // the (aggregated) result
  // A changed result: the handlers its `notify` reaches.
  std::vector<const playbook::Task*> notify;
  // Set when the run must stop (a notified handler that does not exist).
  std::optional<Error> stop;
};

// Adds a `vars` keyword's value to `scope` as `layer`: a mapping, or a list
// of mappings (later ones win), as 2.14 accepts; anything else adds nothing.
void AddVarsKeyword(vars::VarScope& scope, vars::Layer layer, const Value* vars);
// The same value as one mapping (later entries of a list win).
Map VarsKeywordMap(const Value* vars);

// The action of a `meta` task (its free-form word: flush_handlers, ...).
std::string MetaKind(const playbook::Task& task);
// Meta actions 2.14 runs whatever their `when` (with a warning): noop,
// refresh_inventory, reset_connection; and role_complete, which it never
// evaluates.
bool MetaIgnoresWhen(const std::string& kind);

class TaskRunner {
 public:
  TaskRunner(Executor& ex, PlayRun& play) : ex_(ex), play_(play) {}

  // Runs `task` on `host`, reporting each result, and updates the host's
  // state (registered vars, notified handlers, failed/unreachable flags).
  TaskOutcome Run(HostState& host, const playbook::Task& task, const TaskContext& ctx);

  // The scope a task sees on a host (also used to evaluate include files).
  std::unique_ptr<vars::VarScope> TaskScope(HostState& host, const playbook::Task& task,
                                            const TaskContext& ctx) const;

 private:
  Result<Map> RunOnce(HostState& host, const playbook::Task& task, const TaskContext& ctx,
                      const vars::VarScope& scope, const Map& locals, std::string* delegated_to,
                      std::string* meta);
  Result<Map> RunAction(HostState& host, const playbook::Task& task, const TaskContext& ctx,
                        const vars::VarScope& scope, const Map& locals, Map args,
                        std::string* delegated_to, std::string* meta);
  Result<Map> RunController(HostState& host, const playbook::Task& task, const TaskContext& ctx,
                            const vars::VarScope& scope, const Map& locals, const Map& args,
                            std::string* meta);

  // batch_plan.cc: the probes `current` and the tasks of ctx.ahead will
  // start with on `host` (for a batch; see path_probe.h), in order, up to
  // the first task that cannot be planned. `mctx` is the current task's
  // module context (check, diff and search paths are the same for them).
  // With `after_only`, the probes of ctx.ahead only (for the current
  // task's write to carry), none when the current task cannot carry them.
  std::vector<modules::PathProbe> PlanAhead(HostState& host, const playbook::Task& current,
                                            const TaskContext& ctx, const modules::RunContext& mctx,
                                            bool after_only = false) const;

  // delegation.cc: the host delegate_to names (the task's own host when
  // none), its state created on first use; `delegated_to` gets its name.
  Result<HostState*> DelegateTarget(HostState& host, const playbook::Task& task,
                                    const TaskContext& ctx, const tmpl::Scope& scope,
                                    std::string* delegated_to);
  // set_fact / setup under delegate_to + delegate_facts: runs it for the
  // delegate (facts handed to PlayRun::AddDelegatedFacts); setup /
  // gather_facts under delegate_to alone: gathered on the delegate, stored
  // on `host`. nullopt when the task is not such a task.
  Result<std::optional<Map>> RunDelegatedFacts(HostState& host, const playbook::Task& task,
                                               const TaskContext& ctx, const tmpl::Scope& scope,
                                               const Map& args, std::string* delegated_to);

  Executor& ex_;
  PlayRun& play_;
};

// Conditions of `when`, changed_when, failed_when, until: a bool, a string
// or a list of them (all must hold).
Result<bool> EvaluateAll(const Value& cond, const tmpl::Scope& scope);
// Removes omitted arguments (values equal to the `omit` placeholder).
void RemoveOmitted(Map& m);

// The internal action of a task whose templated module name rendered to
// one that cannot run: fails the host with its `msg`, as Ansible's
// TaskExecutor fails it (templated_action.cc).
inline constexpr const char* kUnresolvedAction = "_drover_unresolved_action";

// Whether drover can run this action (module or controller action).
bool IsRunnableAction(const std::string& action);

}  // namespace drover::executor
