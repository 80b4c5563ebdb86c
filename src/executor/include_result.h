// include_tasks' own result per host, as Ansible's callbacks receive it:
// the default callback prints none of it, minimal, oneline and json do
// (output::Reporter::OnCombinedResult). Not looped: {changed: false,
// include: NAME, include_args: {...}}; looped: one such map per item (with
// the loop variable and its label) or a skipped item's map, combined as
// 2.14's TaskExecutor combines loop results.
#pragma once

#include <string>

#include "core/value.h"
#include "output/events.h"
#include "playbook/model.h"
#include "template/template.h"

namespace drover::executor {

class IncludeResult {
 public:
  IncludeResult(const playbook::Task& task, std::string loop_var);
  // An item whose `when` was false (`locals`: the item's variables).
  void AddSkipped(const Map& locals);
  // A file included, `name` as templated; `locals` null when not looped.
  void AddIncluded(const Value& name, const Map* locals);
  // The result for `host`, ok (skipped when every item was).
  output::HostResult Event(const std::string& host, const std::string& where, bool looped) const;

 private:
  Map ItemKeys(const Map& locals) const;

  const playbook::Task& task_;
  std::string loop_var_;
  Map single_;
  List items_;
  bool any_included_ = false;
};

// loop_control.loop_var, else "item".
std::string LoopVarName(const playbook::Task& task);

// The item shown in an include's `included: FILE for HOSTS => (item=X)`
// line (2.14's _get_item_label): loop_control.label templated, else the
// loop variable's value; "(censored due to no_log)" under no_log; "" when
// the label is false-like (0, "", none), which 2.14 does not show.
std::string IncludeItemLabel(const playbook::Task& task, const Map& locals,
                             const tmpl::Scope& scope, const std::string& loop_var);

}  // namespace drover::executor
