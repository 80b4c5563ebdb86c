// Runs loaded playbooks against the inventory: plays in order, hosts in
// batches (serial), the linear strategy (each task on every host of the
// batch, in parallel up to --forks, before the next task), blocks with
// rescue/always, handlers, includes, facts, and the recap. Hosts talk
// through the connection pool; results go to the reporter.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connection/pool.h"
#include "executor/free_strategy.h"
#include "executor/host_state.h"
#include "executor/task_context.h"
#include "inventory/host_pattern.h"
#include "inventory/inventory.h"
#include "output/events.h"
#include "playbook/model.h"
#include "playbook/tags.h"
#include "vars/inventory_vars.h"

namespace drover::executor {

struct RunOptions {
  bool check = false;
  bool diff = false;
  int forks = 5;
  int verbosity = 0;
  playbook::TagFilter tags;
  std::string config_file;  // the ansible.cfg read (absolute), "" for none
  std::string limit;        // --limit as given (ansible_limit), "" for none
  bool force_handlers = false;
  std::string start_at_task;
  // -b / --become-user / --become-method / -K
  bool become = false;
  std::string become_user;
  std::string become_method;
  std::optional<std::string> become_password;
  // become_flags from ansible.cfg / ANSIBLE_*_FLAGS, per canonical method
  // (cli/config_defaults.h); under ansible_become_flags and the keyword.
  std::map<std::string, std::string> become_flags;
  // --step: asked before each task (not meta, not handlers) with its
  // display name; false skips the task. Empty: no asking.
  std::function<bool(const std::string& task_name)> step;
  // Batching: a task's read-only probe also asks the probes of the tasks
  // after it (modules/path_probe.h). --no-batch / DROVER_BATCH=0 turn it off.
  bool batch = true;
  // ANSIBLE_STRATEGY / [defaults] strategy: a play without `strategy`.
  std::string default_strategy = "linear";
  // ANSIBLE_GATHERING=smart: facts are gathered once per host and run (a
  // play skips hosts whose facts an earlier play gathered). "explicit" is
  // applied by the command to the plays without gather_facts.
  bool smart_gathering = false;
};

struct RunEnvironment {
  inventory::Inventory* inventory = nullptr;
  inventory::HostMatcher* matcher = nullptr;
  vars::InventoryVars* inventory_vars = nullptr;
  std::shared_ptr<Map> extra_vars;
  connection::ConnectionPool* pool = nullptr;
  output::Reporter* reporter = nullptr;
  // vars_prompt answers per play, asked before the run (cli/vars_prompt.h);
  // a play missing here takes its prompts' defaults.
  std::map<const playbook::Play*, Map> vars_prompt_answers;
};

class Executor {
 public:
  Executor(RunEnvironment env, RunOptions options);
  ~Executor();

  // Runs every play of the playbook. Returns an Error only for problems
  // that stop the run (bad play vars files, templating the hosts pattern);
  // host failures are in the recap.
  Status RunPlaybook(const playbook::Playbook& pb);

  // The recap and the exit code ansible-playbook would give: 0, 2 (a host
  // failed), 4 (a host unreachable, none failed).
  output::Recap MakeRecap() const;
  int ExitCode() const;

 private:
  friend class TaskRunner;
  friend class PlayRun;

  HostState& State(inventory::Host* host);
  // Runs one batch of a play with the play's strategy (free_strategy.cc).
  Status RunBatch(const playbook::Play& play, const std::vector<HostState*>& batch,
                  const std::vector<std::string>& play_hosts, bool* play_ended);
  // Set by RunBatch when any_errors_fatal/max_fail_percentage ended the play.
  bool failed_break_ = false;
  static bool IsAnyErrorsFatal(const playbook::Play& play);
  // The play's strategy name: its `strategy` rendered with the play's vars
  // and -e (as Ansible's Play.post_validate), else the configured default.
  Result<Value> PlayStrategy(const playbook::Play& play) const;

  RunEnvironment env_;
  RunOptions options_;
  // Serializes, across host workers, access to the inventory and to hosts_
  // (a delegate host's state, add_host and group_by).
  std::mutex delegate_mu_;
  std::map<std::string, std::unique_ptr<HostState>> hosts_;
  std::vector<std::string> host_order_;
  TaskThrottle throttle_;     // throttle across the free strategy's hosts
  std::mutex task_times_mu_;  // free strategy: hosts finish tasks concurrently
  std::vector<std::pair<std::string, double>> task_times_;
  double elapsed_ = 0;
};

}  // namespace drover::executor
