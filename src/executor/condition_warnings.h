// Ansible's Conditional warns when a condition (when, changed_when,
// failed_when, until, assert's that) is itself a template: "conditional
// statements should not include jinja2 templating delimiters such as {{ }}
// or {% %}. Found: TEXT". It warns in the worker process that runs one host's
// task, whose Display shows a text once, so: once per host, task and text.
// One ConditionWarnings lives on the thread for each host's run of a task;
// EvaluateAll() reports through the innermost one (none: no warning, e.g.
// when a condition is evaluated ahead to plan batching).
#pragma once

#include <functional>
#include <set>
#include <string>

namespace drover::executor {

class ConditionWarnings {
 public:
  explicit ConditionWarnings(std::function<void(const std::string&)> report);
  ~ConditionWarnings();
  ConditionWarnings(const ConditionWarnings&) = delete;
  ConditionWarnings& operator=(const ConditionWarnings&) = delete;

  // Warns through this thread's innermost ConditionWarnings when
  // `condition` has Jinja2 delimiters and it has not warned about it yet.
  static void Check(const std::string& condition);

 private:
  std::function<void(const std::string&)> report_;
  std::set<std::string> seen_;
  ConditionWarnings* previous_;
};

}  // namespace drover::executor
