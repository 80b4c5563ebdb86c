// The config lookup for the common global settings (ansible-core 2.14's
// base.yml): the ANSIBLE_* environment variable (where one exists), else ansible.cfg, else the
// default. Other settings and plugin_type/plugin_name are refused clearly.
#include <cstdlib>

#include "core/ansible_cfg.h"
#include "executor/lookup_plugins.h"

namespace drover::executor {

namespace {

struct Setting {
  const char* name;
  const char* env;
  const char* section;
  const char* key;
  enum Type { kString, kInt, kBool } type;
  std::optional<Value> fallback;  // nullopt: None
};

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> k = {
      {"DEFAULT_BECOME", "ANSIBLE_BECOME", "privilege_escalation", "become", Setting::kBool,
       Value(false)},
      {"DEFAULT_BECOME_METHOD", "ANSIBLE_BECOME_METHOD", "privilege_escalation", "become_method",
       Setting::kString, Value("sudo")},
      {"DEFAULT_BECOME_USER", "ANSIBLE_BECOME_USER", "privilege_escalation", "become_user",
       Setting::kString, Value("root")},
      {"DEFAULT_FORKS", "ANSIBLE_FORKS", "defaults", "forks", Setting::kInt, Value(5)},
      {"DEFAULT_GATHERING", "ANSIBLE_GATHERING", "defaults", "gathering", Setting::kString,
       Value("implicit")},
      {"DEFAULT_HASH_BEHAVIOUR", "ANSIBLE_HASH_BEHAVIOUR", "defaults", "hash_behaviour",
       Setting::kString, Value("replace")},
      {"DEFAULT_JINJA2_NATIVE", "ANSIBLE_JINJA2_NATIVE", "defaults", "jinja2_native",
       Setting::kBool, Value(false)},
      {"DEFAULT_KEEP_REMOTE_FILES", "ANSIBLE_KEEP_REMOTE_FILES", "defaults", "keep_remote_files",
       Setting::kBool, Value(false)},
      {"DEFAULT_MANAGED_STR", "", "defaults", "ansible_managed", Setting::kString,
       Value("Ansible managed")},
      {"DEFAULT_POLL_INTERVAL", "ANSIBLE_POLL_INTERVAL", "defaults", "poll_interval", Setting::kInt,
       Value(15)},
      {"DEFAULT_PRIVATE_ROLE_VARS", "ANSIBLE_PRIVATE_ROLE_VARS", "defaults", "private_role_vars",
       Setting::kBool, Value(false)},
      {"DEFAULT_REMOTE_PORT", "ANSIBLE_REMOTE_PORT", "defaults", "remote_port", Setting::kInt,
       std::nullopt},
      {"DEFAULT_REMOTE_USER", "ANSIBLE_REMOTE_USER", "defaults", "remote_user", Setting::kString,
       std::nullopt},
      {"DEFAULT_TIMEOUT", "ANSIBLE_TIMEOUT", "defaults", "timeout", Setting::kInt, Value(10)},
      {"DEFAULT_TRANSPORT", "ANSIBLE_TRANSPORT", "defaults", "transport", Setting::kString,
       Value("smart")},
  };
  return k;
}

Value Convert(const Setting& s, const std::string& text) {
  if (s.type == Setting::kInt) {
    try {
      return Value(static_cast<int64_t>(std::stoll(text)));
    } catch (const std::exception&) {
      throw LookupFailure{LookupFailure::kOptions,
                          "Invalid type for configuration option " + std::string(s.name)};
    }
  }
  if (s.type == Setting::kBool) {
    std::string l;
    for (char ch : text) l += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return Value(l == "yes" || l == "true" || l == "on" || l == "1" || l == "y" || l == "t");
  }
  return Value(text);
}

List Config(const LookupCall& c) {
  if (c.options.contains("plugin_type") || c.options.contains("plugin_name"))
    throw LookupFailure{LookupFailure::kOptions,
                        "config lookup: plugin_type/plugin_name are not supported by drover"};
  std::string missing = "error";
  if (const Value* m = c.options.find("on_missing"); m && m->is_string()) missing = m->as_string();
  if (missing != "error" && missing != "warn" && missing != "skip")
    throw LookupFailure{LookupFailure::kOptions,
                        "\"on_missing\" must be a string and one of \"error\", \"warn\" or "
                        "\"skip\", not " +
                            missing};
  static const AnsibleConfig cfg = ReadAnsibleConfig();
  List out;
  for (const Value& term : c.terms) {
    if (!term.is_string())
      throw LookupFailure{LookupFailure::kOptions, "Invalid setting identifier, \"" +
                                                       tmpl::PyStr(term) + "\" is not a string"};
    const Setting* found = nullptr;
    for (const Setting& s : Settings())
      if (term.as_string() == s.name) found = &s;
    if (!found) {
      if (term.as_string().rfind("DEFAULT_", 0) == 0 ||
          term.as_string().find('_') != std::string::npos) {
        std::string known;
        for (const Setting& s : Settings())
          known += (known.empty() ? "" : ", ") + std::string(s.name);
        if (missing == "error")
          throw LookupFailure{LookupFailure::kLookupError,
                              "Unable to find setting " + term.as_string() +
                                  " (drover's config lookup knows: " + known + ")"};
      }
      if (missing == "warn" && c.warn) c.warn("Skipping, did not find setting " + term.as_string());
      continue;
    }
    if (const char* env = *found->env ? std::getenv(found->env) : nullptr) {
      out.push_back(Convert(*found, env));
    } else if (std::string v = cfg.Get(found->section, found->key); !v.empty()) {
      out.push_back(Convert(*found, v));
    } else {
      out.push_back(found->fallback ? *found->fallback : Value());
    }
  }
  return out;
}

}  // namespace

void AddConfigPlugin(std::map<std::string, LookupPlugin, std::less<>>& m) {
  m["config"] = Config;
}

}  // namespace drover::executor
