#include "playbook/task_parser.h"

#include "core/suggest.h"
#include "playbook/kv.h"
#include "playbook/module_names.h"

namespace drover::playbook {

namespace {

Error ErrorAt(const Value& v, std::string message) {
  return MakeError(std::move(message), v.where());
}

// Arguments of an action given as a mapping, free-form text or nothing.
Result<Map> ActionArgs(const Value& v, const std::string& canonical) {
  if (v.is_null()) return Map{};
  if (v.is_map()) return v.as_map();
  if (v.is_string() || v.is_number() || v.is_bool()) {
    std::string text = v.is_string() ? v.as_string() : std::string();
    if (!v.is_string()) {
      return ErrorAt(v, "the arguments of '" + canonical + "' must be a mapping or k=v text");
    }
    Result<Map> kv =
        ParseKeyValues(text, TakesFreeForm(canonical) && canonical != "include_tasks" &&
                                 canonical != "import_tasks" && canonical != "include_vars");
    if (!kv) {
      Error e = kv.take_error();
      e.where = v.where();
      return e;
    }
    // Free-form words of modules that take none are an error in Ansible too.
    if (kv->contains("_raw_params") && !TakesFreeForm(canonical)) {
      return ErrorAt(v, "'" + canonical + "' takes key=value arguments, not free-form text: '" +
                            kv->find("_raw_params")->as_string() + "'");
    }
    for (auto& [k, val] : *kv) val.set_where(v.where());
    return kv;
  }
  return ErrorAt(v, "the arguments of '" + canonical + "' must be a mapping or k=v text");
}

// `action: copy src=a dest=b` or `action: {module: copy, src: a}`.
Result<std::pair<std::string, Value>> SplitActionKeyword(const Value& v) {
  if (v.is_string()) {
    const std::string& s = v.as_string();
    size_t end = s.find_first_of(" \n");
    std::string module = s.substr(0, end);
    std::string rest = end == std::string::npos ? "" : s.substr(end + 1);
    return std::make_pair(module, Value(rest).set_where(v.where()));
  }
  if (v.is_map()) {
    const Value* module = v.as_map().find("module");
    if (!module || !module->is_string())
      return ErrorAt(v, "`action:` as a mapping needs `module:`");
    Map rest = v.as_map();
    rest.erase("module");
    return std::make_pair(module->as_string(), Value(std::move(rest)).set_where(v.where()));
  }
  return ErrorAt(v, "`action:` must be text or a mapping");
}

// "; did you mean ..." for a misspelt module, keeping a collection prefix as
// written (ansible.builtin.copi -> ansible.builtin.copy).
std::string SuggestModule(const std::string& written) {
  std::string match = ClosestMatch(written, KnownModuleNames());
  if (match.empty()) {
    size_t dot = written.rfind('.');
    if (dot != std::string::npos) {
      std::string short_match = ClosestMatch(written.substr(dot + 1), KnownModuleNames());
      if (!short_match.empty()) match = written.substr(0, dot + 1) + short_match;
    }
  }
  return match.empty() ? std::string() : "; did you mean '" + match + "'?";
}

}  // namespace

Result<Task> ParseTask(const Value& entry, Scope scope) {
  Task task;
  task.where = entry.where();
  const Map& m = entry.as_map();

  std::vector<std::pair<std::string, const Value*>> actions;  // (written name, args)
  std::optional<std::pair<std::string, Value>> action_keyword;
  for (const auto& [k, v] : m) {
    if (k == "action" || k == "local_action") {
      Result<std::pair<std::string, Value>> split = SplitActionKeyword(v);
      if (!split) return split.take_error();
      if (action_keyword || !actions.empty()) {
        return ErrorAt(v, "conflicting action statements: more than one action in this task");
      }
      action_keyword = std::move(split).value();
      if (k == "local_action")
        task.keywords.set("delegate_to", Value("localhost").set_where(v.where()));
      continue;
    }
    if (IsKeyword(scope, k)) {
      task.keywords.set(k, v);
      continue;
    }
    if (!CanonicalModuleName(k).empty()) {
      actions.emplace_back(k, &v);
      continue;
    }
    const bool looks_like_module = k.find('.') != std::string::npos;
    if (looks_like_module) {
      return ErrorAt(
          v, "unknown module '" + k + "' in " + std::string(ScopeName(scope)) + SuggestModule(k));
    }
    std::vector<std::string_view> candidates = KeywordsFor(scope);
    const auto& modules = KnownModuleNames();
    candidates.insert(candidates.end(), modules.begin(), modules.end());
    candidates.push_back("block");
    return ErrorAt(v, "unknown key '" + k + "' in " + std::string(ScopeName(scope)) +
                          DidYouMean(k, candidates));
  }
  if (actions.size() + (action_keyword ? 1 : 0) > 1) {
    std::string names;
    for (const auto& a : actions) names += (names.empty() ? "" : ", ") + a.first;
    if (action_keyword) names += ", action";
    return ErrorAt(entry, "conflicting action statements: " + names);
  }
  if (actions.empty() && !action_keyword) {
    return ErrorAt(
        entry,
        "no module or action in this task; add one, e.g. `command: ...` or `debug: msg=...`");
  }

  Value args_value;
  if (action_keyword) {
    task.action_as_written = action_keyword->first;
    args_value = action_keyword->second;
  } else {
    task.action_as_written = actions[0].first;
    args_value = *actions[0].second;
  }
  task.action = CanonicalModuleName(task.action_as_written);
  if (task.action.empty()) {
    return ErrorAt(entry, "unknown module '" + task.action_as_written + "'" +
                              SuggestModule(task.action_as_written));
  }
  if (task.action == "include") task.action = "include_tasks";  // deprecated spelling

  Result<Map> args = ActionArgs(args_value, task.action);
  if (!args) return args.take_error();
  // `args:` is merged under the action's own arguments (those win).
  if (const Value* extra = task.keywords.find("args")) {
    Map merged;
    if (extra->is_map()) {
      merged = extra->as_map();
    } else if (extra->is_string()) {
      Result<Map> kv = ParseKeyValues(extra->as_string(), false);
      if (!kv) return ErrorAt(*extra, kv.error().message);
      merged = std::move(kv).value();
    } else if (!extra->is_null()) {
      return ErrorAt(*extra, "'args' must be a mapping");
    }
    for (auto& [k, v] : *args) merged.set(k, v);
    task.args = std::move(merged);
    task.keywords.erase("args");
  } else {
    task.args = std::move(args).value();
  }
  return task;
}

}  // namespace drover::playbook
