// One play on one batch of hosts: builds the hosts' scopes, gathers facts,
// walks pre_tasks / roles+tasks / post_tasks with the linear strategy,
// flushes handlers after each section, and applies the play's failure
// rules (any_errors_fatal, max_fail_percentage).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "executor/executor.h"
#include "executor/task_runner.h"

namespace drover::executor {

class PlayRun {
 public:
  // A handler and the blocks around it (import_tasks in the handlers).
  struct HandlerRef {
    const playbook::Task* task;
    std::vector<const playbook::Block*> blocks;
  };

  PlayRun(Executor& ex, const playbook::Play& play, std::vector<HostState*> batch,
          const std::vector<std::string>& play_hosts);

  // Runs the play on the batch. Errors stop the whole run.
  Status Run();

  // strategy: free (free_strategy.cc) runs one PlayRun per host: this
  // prepares the host's scope now (Run then skips that and the play
  // banner); `batch` is the whole batch, for ansible_play_batch.
  Status PrepareFreeMember(const std::vector<HostState*>& batch);
  // Adds the other hosts' entries of `all` to this run's hostvars.
  void SeedHostvars(const Map& all);
  // hostvars gets every inventory host not in it yet (and the implicit
  // localhost): inventory variables, extra vars and what earlier plays
  // gathered or set on it.
  void SeedInventoryHostvars();
  const Map& hostvars() const { return hostvars_.as_map(); }

  // Set by meta: end_play, or by any_errors_fatal.
  bool play_ended() const { return play_ended_; }
  // Set when any_errors_fatal or max_fail_percentage ended the play: the
  // playbook's later plays do not run (Ansible's RUN_FAILED_BREAK_PLAY).
  bool failed_break() const { return failed_break_; }

  // The handlers a `notify` name reaches, as Ansible 2.14 finds them: the
  // last handler of that name (or "role : name"), and every handler that
  // listens to it. Errors: none does (Ansible's message). Safe to call from
  // the workers while a task runs.
  Result<std::vector<const playbook::Task*>> NotifyTargets(const std::string& name) const;
  // A handler's name as a notify matches it: rendered with the play's vars,
  // -e and the handler's role and own vars (no host), as 2.14 renders it;
  // nullopt when unnamed or when rendering fails (with Ansible's warning
  // unless it listens). Cached once rendered. task_names.cc.
  std::optional<std::string> HandlerName(const playbook::Task& handler) const;

 private:
  friend class TaskRunner;

  Status PrepareHost(HostState& h);
  Status RunSection(const std::vector<playbook::Item>& items, const TaskContext& ctx);
  Status RunItems(const std::vector<playbook::Item>& items, const TaskContext& ctx);
  Status RunBlock(const playbook::Block& block, const TaskContext& ctx);
  Status RunTask(const playbook::Task& task, const TaskContext& ctx,
                 const std::vector<HostState*>& hosts);
  Status RunInclude(const playbook::Task& task, const TaskContext& ctx,
                    const std::vector<HostState*>& hosts);
  // include_role (include_role.cc): loads the role per host at run time,
  // runs it for the hosts that include it, registers its handlers.
  Status RunIncludeRole(const playbook::Task& task, const TaskContext& ctx,
                        const std::vector<HostState*>& hosts);
  // One pass over the handlers in order: each runs on the hosts it was
  // notified for (failed hosts too under force_handlers); notifications
  // made meanwhile reach the later handlers now, the earlier ones at the
  // next flush, as in Ansible 2.14.
  Status FlushHandlers();
  // The play's handlers, then those of roles brought in by include_role.
  std::vector<HandlerRef> Handlers() const;
  // delegate_facts (delegation.cc): facts for another host, collected
  // while a task runs (any worker) and applied after it (one thread).
  void AddDelegatedFacts(HostState* target, vars::Layer layer, Map facts);
  void ApplyDelegatedFacts();
  std::vector<HostState*> ActiveHosts() const;
  void UpdateHostvars();
  // After add_host / group_by: the batch's hosts see the inventory as it is
  // now (groups, group_names, variables of groups they joined), and
  // hostvars has the added hosts. Errors: reading vars files again.
  Status RefreshInventoryMagic();
  void CheckFailurePolicy(size_t failed_before, bool any_errors_fatal);
  // What runs on `host` for `task`: the task itself, or, when its action
  // is a template, a copy with the name rendered with the host's variables
  // and resolved (a name that cannot run there fails the host, as in
  // Ansible). Errors stop the run: an undefined variable in the name
  // (templated_action.cc).
  Result<std::shared_ptr<const playbook::Task>> ResolvedAction(const playbook::Task& task,
                                                               const TaskContext& ctx,
                                                               HostState& host);
  // The name a task's banner shows: rendered with `host`'s variables,
  // as written when that fails (task_names.cc).
  std::string BannerName(const playbook::Task& task, const TaskContext& ctx, HostState& host);
  // One entry per block section being run, innermost last: whether a host
  // failing there goes on to a rescue or always section.
  std::vector<bool> catching_;
  class CatchScope {
   public:
    CatchScope(std::vector<bool>& stack, bool catches) : stack_(stack) {
      stack_.push_back(catches);
    }
    ~CatchScope() { stack_.pop_back(); }
    CatchScope(const CatchScope&) = delete;
    CatchScope& operator=(const CatchScope&) = delete;

   private:
    std::vector<bool>& stack_;
  };
  // Hosts out of this play without failing (end_host, clear_host_errors):
  // not in ansible_play_hosts any more.
  std::set<HostState*> removed_;
  // Each host's last failed task and its result (for a rescue section).
  std::map<HostState*, std::pair<Value, Map>> last_failure_;
  bool SelectedByTags(const playbook::Task& task, const TaskContext& ctx) const;
  // An item's tags; those that are templates rendered with the play's vars
  // and the extra vars, as 2.14 renders them when it filters by tags.
  playbook::TagSet RenderedTags(const Map& keywords) const;
  // hostvars[host] for a host outside the batch, from its inventory
  // variables, extra vars and the facts and set_facts it has.
  void SetOutsideHostvars(inventory::Host& host);
  // The magic variables of the run, the same for every host (hostvars
  // carries them): playbook_dir, omit, ansible_version, ansible_check_mode,
  // ansible_inventory_sources,
  // ansible_diff_mode and the command line's ansible_run_tags,
  // ansible_skip_tags, ansible_forks, ansible_limit (with --limit),
  // ansible_verbosity, ansible_config_file,
  // ansible_playbook_python.
  void AddRunMagic(Map& magic) const;
  // role_names and the ansible_*role_names of the play's roles.
  void AddRoleNamesMagic(Map& magic) const;
  // The active hosts that run `task`: without those on which its role has
  // completed, unless the role allows duplicates (Ansible's Role.has_run).
  std::vector<HostState*> HostsFor(const playbook::Task& task) const;
  // At the end of a role's block: the hosts on which one of its tasks ran
  // have completed it (Ansible's implicit role_complete).
  void CompleteRole(const playbook::Block& block);
  // The module tasks after items[at] up to the first block, include or
  // controller action (those selected by tags), for batching.
  std::vector<const playbook::Task*> TasksAhead(const std::vector<playbook::Item>& items, size_t at,
                                                const TaskContext& ctx) const;

  Executor& ex_;
  const playbook::Play& play_;
  std::vector<HostState*> batch_;
  std::vector<std::string> play_hosts_;
  // hostvars, shared by every host's magic layer (a Value shares its map).
  Value hostvars_ = Value(Map{});
  bool play_ended_ = false;
  bool failed_break_ = false;
  bool started_ = false;   // --start-at-task reached
  bool prepared_ = false;  // PrepareFreeMember ran
  TaskRunner runner_;
  mutable std::mutex handler_names_mu_;
  mutable std::map<const playbook::Task*, std::string> handler_names_;
  // include_tasks/include_role being run, outermost first (see RunItems).
  std::vector<std::string> include_chain_;
  // Blocks built for dynamic includes; kept alive for the play.
  std::vector<std::shared_ptr<playbook::Block>> included_;
  std::vector<std::shared_ptr<const playbook::Block>> included_roles_;
  // Handlers of roles brought in by include_role (after the play's own),
  // each role's handlers file once.
  std::vector<playbook::Item> dynamic_handlers_;
  std::set<std::string> dynamic_handler_files_;
  struct DelegatedFacts {
    HostState* target;
    vars::Layer layer;  // kFacts (setup) or kSetFact (set_fact)
    Map facts;
  };
  std::mutex delegated_facts_mu_;
  std::vector<DelegatedFacts> delegated_facts_;
};

}  // namespace drover::executor
