// What the executor knows about one host during a run.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "connection/connection.h"
#include "inventory/inventory.h"
#include "modules/path_probe.h"
#include "output/events.h"
#include "vars/precedence.h"

namespace drover::playbook {
struct Task;
}

namespace drover::executor {

struct HostState {
  inventory::Host* host = nullptr;
  std::string name;

  // Layers that change during the run. They are shared with the host's
  // scope, so an update is visible to the next task at once.
  std::shared_ptr<Map> facts = std::make_shared<Map>();      // gathered facts
  std::shared_ptr<Map> set_facts = std::make_shared<Map>();  // set_fact + register
  std::shared_ptr<Map> include_vars = std::make_shared<Map>();
  std::shared_ptr<Map> magic = std::make_shared<Map>();  // per-play magic variables

  // The host's scope for the current play (inventory, facts, play vars,
  // extra vars, magic). Task scopes are children of it.
  std::unique_ptr<vars::VarScope> scope;

  bool failed = false;                       // failed a task (not ignored); out of the play
  bool unreachable = false;                  // out of the play, and of the run's later plays
  bool ended = false;                        // meta: end_host / end_play
  bool errors_cleared = false;               // meta: clear_host_errors since the last failure
  std::set<const playbook::Task*> notified;  // handlers notified, not yet run
  output::HostStats stats;
  bool seen = false;  // appeared in a play (shown in the recap)
  // Failed without a failure counted (an include_role whose role is
  // missing): the run exits 2, as Ansible's _failed_hosts.
  bool failed_uncounted = false;
  // Probes answered ahead for this host's next tasks (batching).
  std::shared_ptr<modules::ProbeCache> probe_cache = std::make_shared<modules::ProbeCache>();

  bool active() const { return !failed && !unreachable && !ended; }
};

}  // namespace drover::executor
