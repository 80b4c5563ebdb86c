#include "playbook/task_parser.h"

#include "core/parser_error.h"
#include "core/suggest.h"
#include "playbook/kv.h"
#include "playbook/module_names.h"
#include "template/template.h"

namespace drover::playbook {

namespace {

// Every error of a task's shape is ansible-playbook's AnsibleParserError
// (exit code 4), an unresolved module name included.
Error ErrorAt(const Value& v, std::string message) {
  return AsParserError(MakeError(std::move(message), v.where()));
}

// A module its collection has removed: Ansible's [DEPRECATED] error, which
// ansible-playbook exits with 1 (not a parser error).
Error RemovedModuleAt(const Value& v, const std::string& name, const std::string& removed) {
  return MakeError("the module '" + name + "' has been removed from its collection: " + removed,
                   v.where());
}

Error UnresolvedAt(const Value& task, const std::string& name, std::string suffix) {
  return ErrorAt(task, "couldn't resolve module/action '" + name + "'" + std::move(suffix));
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
      Error e = AsParserError(kv.take_error());
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

// `action: copy src=a dest=b` or `action: {module: copy, src: a}`. A
// module name that is a template (`{{ mod }} msg=hi`) is one Jinja2 block.
Result<std::pair<std::string, Value>> SplitActionKeyword(const Value& v) {
  if (v.is_string()) {
    const std::string& s = v.as_string();
    size_t end = s.find_first_of(" \n");
    if (tmpl::IsPossiblyTemplate(s.substr(0, end))) {
      Result<std::vector<std::string>> words = SplitArgs(s);
      if (!words) return ErrorAt(v, words.error().message);
      if (!words->empty()) {
        const size_t at = s.find(words->front());
        end = at == std::string::npos ? end : at + words->front().size();
      }
    }
    std::string module = s.substr(0, end);
    size_t rest_at = end == std::string::npos ? end : s.find_first_not_of(" \n", end);
    std::string rest = rest_at == std::string::npos ? "" : s.substr(rest_at);
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

// `args:` merged under the action's own arguments (those win) into
// task.args.
Status MergeArgsKeyword(Task& task, Map args) {
  const Value* extra = task.keywords.find("args");
  if (!extra) {
    task.args = std::move(args);
    return Status();
  }
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
  for (auto& [k, v] : args) merged.set(k, v);
  task.args = std::move(merged);
  task.keywords.erase("args");
  return Status();
}

// `action: "{{ mod }}"`: the name is rendered per host at run time (as the
// linear strategy and TaskExecutor do); its arguments must be k=v or a
// mapping, since free-form words are only for the modules Ansible knows
// take them (mod_args' RAW_PARAM_MODULES check, made at load).
Result<Task> TemplatedActionTask(const Value& entry, Task task, const Value& args_value,
                                 const std::vector<std::string>& collections) {
  task.action_template = task.action_as_written;
  task.action_collections = collections;
  Map args;
  if (args_value.is_map()) {
    args = args_value.as_map();
  } else if (args_value.is_string()) {
    Result<Map> kv = ParseKeyValues(args_value.as_string(), false);
    if (!kv) return ErrorAt(args_value, kv.error().message);
    for (auto& [k, v] : *kv) v.set_where(args_value.where());
    args = std::move(kv).value();
  } else if (!args_value.is_null()) {
    return ErrorAt(args_value, "the arguments of an action must be a mapping or k=v text");
  }
  if (Status s = MergeArgsKeyword(task, std::move(args)); !s) return s.take_error();
  if (const Value* raw = task.args.find("_raw_params");
      raw && !(raw->is_string() && raw->as_string().empty())) {
    if (raw->is_string() && tmpl::IsPossiblyTemplate(raw->as_string()))
      return ErrorAt(entry,
                     "drover does not support free-form arguments that are a template "
                     "(Ansible's deprecated _variable_params) for the action '" +
                         task.action_template + "'; give them as k=v or a mapping");
    return ErrorAt(entry, "this task '" + task.action_template +
                              "' has extra params, which is only allowed in the following "
                              "modules: command, shell, script, raw, win_command, win_shell, "
                              "include_tasks, import_tasks, include_role, import_role, "
                              "include_vars, set_fact, add_host, group_by, meta");
  }
  return task;
}

}  // namespace

std::vector<std::string> CollectionList(const Value* keyword) {
  std::vector<std::string> out;
  if (!keyword) return out;
  if (keyword->is_string()) out.push_back(keyword->as_string());
  if (keyword->is_list())
    for (const Value& c : keyword->as_list())
      if (c.is_string()) out.push_back(c.as_string());
  return out;
}

Result<Task> ParseTask(const Value& entry, Scope scope,
                       const std::vector<std::string>& inherited_collections) {
  Task task;
  task.where = entry.where();
  const Map& m = entry.as_map();
  const Value* own_collections = m.find("collections");
  const std::vector<std::string> collections =
      own_collections ? CollectionList(own_collections) : inherited_collections;

  std::vector<std::pair<std::string, const Value*>> actions;  // (written name, args)
  std::optional<std::pair<std::string, Value>> action_keyword;
  std::optional<std::pair<std::string, const Value*>> unknown_key;
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
    if (ModuleResolution r = ResolveModule(k, collections); !r.fqcn.empty()) {
      actions.emplace_back(k, &v);
      continue;
    } else if (!r.removed.empty()) {
      return RemovedModuleAt(v, k, r.removed);
    }
    if (!unknown_key) unknown_key = std::make_pair(k, &v);
  }
  if (unknown_key) {
    const auto& [k, v] = *unknown_key;
    // With no action in the task, the unknown key was meant as the module:
    // reported at the task, as Ansible does.
    if (actions.empty() && !action_keyword) {
      return UnresolvedAt(entry, k, " in " + std::string(ScopeName(scope)) + SuggestModule(k));
    }
    std::vector<std::string_view> candidates = KeywordsFor(scope);
    candidates.push_back("block");
    return ErrorAt(*v, "unknown key '" + k + "' in " + std::string(ScopeName(scope)) +
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
    if (tmpl::IsPossiblyTemplate(task.action_as_written))
      return TemplatedActionTask(entry, std::move(task), args_value, collections);
  } else {
    task.action_as_written = actions[0].first;
    args_value = *actions[0].second;
  }
  ModuleResolution resolved = ResolveModule(task.action_as_written, collections);
  if (!resolved.removed.empty()) {
    return RemovedModuleAt(entry, task.action_as_written, resolved.removed);
  }
  task.action = resolved.canonical;
  task.action_fqcn = resolved.fqcn;
  if (task.action.empty()) {
    return UnresolvedAt(entry, task.action_as_written, SuggestModule(task.action_as_written));
  }
  if (task.action == "include") task.action = "include_tasks";  // deprecated spelling

  Result<Map> args = ActionArgs(args_value, task.action);
  if (!args) return args.take_error();
  if (Status s = MergeArgsKeyword(task, std::move(args).value()); !s) return s.take_error();
  return task;
}

}  // namespace drover::playbook
