// What the executor tells the output: one struct per event. Reporters turn
// these into Ansible-shaped text, JSON lines, or a live progress line.
// Results are passed as the module's result map; reporters must never print
// a value that came from a no_log task (the executor replaces such results
// with the censored form before reporting) and pass all text through
// Redact().
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/value.h"

namespace drover::output {

enum class Outcome { kOk, kChanged, kFailed, kSkipped, kUnreachable };

struct PlayStart {
  std::string name;
  std::vector<std::string> hosts;  // hosts the play runs on
  size_t task_count = 0;           // tasks in the play (for progress)
  std::string where;               // file:line:col of the play ("" when unknown)
  bool lockstep = true;            // false under strategy free: hosts walk the play alone
};

struct TaskStart {
  std::string name;  // "role : name" or the action
  bool handler = false;
  std::string where;  // file:line of the task
};

struct HostResult {
  std::string host;
  std::string delegated_to;  // "" unless delegate_to names another host
  Outcome status = Outcome::kOk;
  bool ignored = false;         // failed (or unreachable) but ignore_errors/ignore_unreachable
  bool is_item = false;         // one item of a loop
  std::string item_label;       // Python str() of the item or loop_control.label
  Value result;                 // the result map (censored when no_log)
  bool verbose_always = false;  // debug: always show the result
  std::string action;           // the task's action (debug results are trimmed)
  std::string diff;             // unified diff text for --diff ("" for none)
  std::string where;            // the task's file:line, shown with a failure
};

struct HostStats {
  int ok = 0, changed = 0, unreachable = 0, failed = 0, skipped = 0, rescued = 0, ignored = 0;
  bool operator==(const HostStats&) const = default;
};

struct Recap {
  // host -> stats, in the order hosts were first seen.
  std::vector<std::pair<std::string, HostStats>> hosts;
  // task name -> seconds, slowest first (drover's timing summary).
  std::vector<std::pair<std::string, double>> task_times;
  double elapsed_seconds = 0;
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void OnPlayStart(const PlayStart&) {}
  virtual void OnTaskStart(const TaskStart&) {}
  virtual void OnHostResult(const HostResult&) {}
  // A result Ansible's callbacks receive whole but drover's default output
  // shows otherwise (after the items, or not at all): a looped task's
  // combined result per host (`results`, "All items completed"), sent after
  // its items' OnHostResult, and include_tasks' own result per host
  // ({include, include_args} or, looped, their combined result). is_item is
  // false; no_log results arrive censored.
  virtual void OnCombinedResult(const HostResult&) {}
  virtual void OnNoHostsMatched(const std::string& play) { (void)play; }
  // The linear strategy's v2_playbook_on_no_hosts_remaining: any_errors_fatal
  // or max_fail_percentage failed every host left, the playbook stops.
  virtual void OnNoHostsRemaining() {}
  // include_tasks loaded `file` for these hosts ("h1, h2"); `item`: the
  // loop item's label for a looped include ("" for none).
  virtual void OnIncluded(const std::string& file, const std::string& hosts,
                          const std::string& item) {
    (void)file;
    (void)hosts;
    (void)item;
  }
  virtual void OnWarning(const std::string& text) { (void)text; }
  // An error the run goes on after (Ansible's display.error, "ERROR! ..."
  // on stderr), e.g. an include_role whose role is missing.
  virtual void OnError(const std::string& text) { (void)text; }
  // A line Ansible shows from verbosity `level` (display.vv: 2), e.g.
  // "META: noop".
  virtual void OnVerbose(int level, const std::string& text) {
    (void)level;
    (void)text;
  }
  virtual void OnRecap(const Recap&) {}
};

}  // namespace drover::output
