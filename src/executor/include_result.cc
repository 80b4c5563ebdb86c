#include "executor/include_result.h"

#include <utility>

#include "playbook/keywords.h"

namespace drover::executor {

namespace {
// The label's value: loop_control.label templated, else the item.
Value LabelValue(const playbook::Task& task, const Map& locals, const tmpl::Scope& scope,
                 const std::string& loop_var) {
  if (const Value* lc = task.keywords.find("loop_control"); lc && lc->is_map())
    if (const Value* l = lc->as_map().find("label"); l && l->is_string()) {
      Result<Value> t = tmpl::TemplateString(l->as_string(), scope);
      return t ? *t : *l;
    }
  const Value* item = locals.find(loop_var);
  return item ? *item : Value();
}
}  // namespace

std::string LoopVarName(const playbook::Task& task) {
  if (const Value* lc = task.keywords.find("loop_control"); lc && lc->is_map())
    if (const Value* lv = lc->as_map().find("loop_var"); lv && lv->is_string())
      return lv->as_string();
  return "item";
}

std::string IncludeItemLabel(const playbook::Task& task, const Map& locals,
                             const tmpl::Scope& scope, const std::string& loop_var) {
  if (playbook::KeywordIsTrue(task.keywords.find("no_log"))) return "(censored due to no_log)";
  const Value label = LabelValue(task, locals, scope, loop_var);
  return label.truthy() ? tmpl::PyStr(label) : "";
}

IncludeResult::IncludeResult(const playbook::Task& task, std::string loop_var)
    : task_(task), loop_var_(std::move(loop_var)) {}

Map IncludeResult::ItemKeys(const Map& locals) const {
  Map keys;
  const Value* item = locals.find(loop_var_);
  keys.set(loop_var_, item ? *item : Value());
  keys.set("ansible_loop_var", Value(loop_var_));
  if (const Value* ext = locals.find("ansible_loop")) keys.set("ansible_loop", *ext);
  keys.set("_ansible_item_label", item ? *item : Value());
  return keys;
}

void IncludeResult::AddSkipped(const Map& locals) {
  Map r = ItemKeys(locals);
  r.set("changed", false);
  r.set("skip_reason", "Conditional result was False");
  r.set("skipped", true);
  r.set("_ansible_no_log", false);
  items_.push_back(Value(std::move(r)));
}

void IncludeResult::AddIncluded(const Value& name, const Map* locals) {
  Map args;
  for (const auto& [k, v] : task_.args)
    if (k != "_raw_params" && k != "file" && k != "apply") args.set(k, v);
  Map r = locals ? ItemKeys(*locals) : Map{{"changed", false}};
  r.set("include", name);
  r.set("include_args", Value(std::move(args)));
  any_included_ = true;
  if (locals)
    items_.push_back(Value(std::move(r)));
  else
    single_ = std::move(r);
}

output::HostResult IncludeResult::Event(const std::string& host, const std::string& where,
                                        bool looped) const {
  output::HostResult e;
  e.host = host;
  e.where = where;
  e.action = task_.action;
  if (!looped) {
    e.result = Value(single_);
    return e;
  }
  Map r{{"changed", false}};
  if (items_.empty()) {
    r.set("skipped", true);
    r.set("skipped_reason", "No items in the list");
  } else {
    r.set("msg", any_included_ ? "All items completed" : "All items skipped");
    r.set("skipped", !any_included_);
  }
  r.set("results", Value(items_));
  e.status = any_included_ ? output::Outcome::kOk : output::Outcome::kSkipped;
  e.result = Value(std::move(r));
  return e;
}

}  // namespace drover::executor
