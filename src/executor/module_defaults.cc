#include "executor/module_defaults.h"

#include <mutex>
#include <set>

#include "playbook/module_names.h"

namespace drover::executor {

namespace {

bool WarnOnce(const std::string& key) {
  static std::mutex mu;
  static std::set<std::string> warned;
  std::lock_guard lock(mu);
  return warned.insert(key).second;
}

// Merges one `module_defaults` value (a mapping, or a list of mappings)
// into `defaults` for `action`.
void MergeLevel(const Value& level, const std::string& action, Map& defaults,
                std::vector<std::string>* warnings) {
  if (level.is_list()) {
    for (const Value& entry : level.as_list()) MergeLevel(entry, action, defaults, warnings);
    return;
  }
  if (!level.is_map()) return;
  for (const auto& [key, args] : level.as_map()) {
    if (key.rfind("group/", 0) == 0) {
      if (warnings && WarnOnce(key))
        warnings->push_back("module_defaults: the action group '" + key +
                            "' is not supported by drover and is ignored" +
                            (level.where().known() ? " (" + level.where().str() + ")" : ""));
      continue;
    }
    if (playbook::CanonicalModuleName(key) != action || !args.is_map()) continue;
    for (const auto& [k, v] : args.as_map()) defaults.set(k, v);
  }
}

}  // namespace

Map WithModuleDefaults(const playbook::Task& task, const TaskContext& ctx,
                       std::vector<std::string>* warnings) {
  std::vector<const Value*> levels;
  if (ctx.play)
    if (const Value* v = ctx.play->keywords.find("module_defaults")) levels.push_back(v);
  for (const playbook::Block* b : ctx.blocks)
    if (const Value* v = b->keywords.find("module_defaults")) levels.push_back(v);
  if (const Value* v = task.keywords.find("module_defaults")) levels.push_back(v);
  if (levels.empty()) return task.args;
  Map merged;
  for (const Value* level : levels) MergeLevel(*level, task.action, merged, warnings);
  if (merged.empty()) return task.args;
  for (const auto& [k, v] : task.args) merged.set(k, v);
  return merged;
}

}  // namespace drover::executor
