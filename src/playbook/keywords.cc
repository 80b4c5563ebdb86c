#include "playbook/keywords.h"

#include <algorithm>

namespace drover::playbook {

namespace {
// Keywords shared by plays, blocks and tasks (Base, Become, Conditional
// where applicable, Taggable, CollectionSearch).
#define COMMON_KEYWORDS                                                                       \
  "any_errors_fatal", "become", "become_exe", "become_flags", "become_method", "become_user", \
      "check_mode", "collections", "connection", "debugger", "diff", "environment",           \
      "ignore_errors", "ignore_unreachable", "module_defaults", "name", "no_log", "port",     \
      "remote_user", "run_once", "tags", "throttle", "timeout", "vars", "become_password"

const std::vector<std::string_view> kPlay = {
    COMMON_KEYWORDS, "fact_path",     "force_handlers",
    "gather_facts",  "gather_subset", "gather_timeout",
    "handlers",      "hosts",         "max_fail_percentage",
    "order",         "post_tasks",    "pre_tasks",
    "roles",         "serial",        "strategy",
    "tasks",         "vars_files",    "vars_prompt"};
const std::vector<std::string_view> kBlock = {COMMON_KEYWORDS, "always", "block",  "delegate_facts",
                                              "delegate_to",   "notify", "rescue", "when"};
const std::vector<std::string_view> kTask = {
    COMMON_KEYWORDS,  "action",      "args",        "async",        "changed_when", "delay",
    "delegate_facts", "delegate_to", "failed_when", "local_action", "loop",         "loop_control",
    "notify",         "poll",        "register",    "retries",      "until",        "when"};
const std::vector<std::string_view> kHandler = [] {
  auto v = kTask;
  v.push_back("listen");
  return v;
}();
const std::vector<std::string_view> kRoleEntry = {COMMON_KEYWORDS, "role", "when", "delegate_to",
                                                  "delegate_facts"};
#undef COMMON_KEYWORDS
}  // namespace

const std::vector<std::string_view>& KeywordsFor(Scope scope) {
  switch (scope) {
    case Scope::kPlay: return kPlay;
    case Scope::kBlock: return kBlock;
    case Scope::kTask: return kTask;
    case Scope::kHandler: return kHandler;
    case Scope::kRoleEntry: return kRoleEntry;
  }
  return kTask;
}

bool IsKeyword(Scope scope, std::string_view key) {
  if ((scope == Scope::kTask || scope == Scope::kHandler) && key.rfind("with_", 0) == 0)
    return true;
  const auto& words = KeywordsFor(scope);
  return std::find(words.begin(), words.end(), key) != words.end();
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kPlay: return "play";
    case Scope::kBlock: return "block";
    case Scope::kTask: return "task";
    case Scope::kHandler: return "handler";
    case Scope::kRoleEntry: return "role entry";
  }
  return "task";
}

bool KeywordIsTrue(const Value* v) {
  if (!v) return false;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) {
    const std::string& s = v->as_string();
    return s == "yes" || s == "true" || s == "True" || s == "on" || s == "1";
  }
  return v->truthy();
}

}  // namespace drover::playbook
