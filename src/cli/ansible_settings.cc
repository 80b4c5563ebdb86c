#include "cli/ansible_settings.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

#include "cli/report.h"
#include "executor/template_file_vars.h"
#include "vars/hash_behaviour.h"

namespace drover::cli {

namespace {

enum class Kind { kString, kBool, kInt, kFloat, kList, kPath, kPathSpec, kPathList };

struct IniEntry {
  const char* section;
  const char* key;
};

struct SettingDef {
  const char* name;
  Kind kind;
  const char* default_text;  // nullptr: None, or a default not given as a scalar
  std::vector<IniEntry> ini;
  std::vector<const char*> env;
};

const std::vector<SettingDef>& Defs() {
  static const std::vector<SettingDef> defs = {
#include "cli/ansible_settings.inc"
  };
  return defs;
}

const SettingDef* FindDef(std::string_view name) {
  for (const SettingDef& d : Defs())
    if (name == d.name) return &d;
  return nullptr;
}

// What drover does with a setting the user set.
enum class Support { kHonoured, kNoEffect };

// The settings drover honours (every command resolves them through
// AnsibleSettings, cmd_*.cc) and those that cannot change a drover run's
// result (it runs no Python on the hosts, keeps no local state, has no
// plugins to load). Every other setting of the table is ignored, and said so.
const std::map<std::string_view, Support>& SupportTable() {
  static const std::map<std::string_view, Support> table = [] {
    std::map<std::string_view, Support> t;
    for (const char* n : {"ANSIBLE_FORCE_COLOR",
                          "ANSIBLE_NOCOLOR",
                          "ANY_ERRORS_FATAL",
                          "CALLBACKS_ENABLED",
                          "DEFAULT_ASK_PASS",
                          "DEFAULT_BECOME",
                          "DEFAULT_BECOME_ASK_PASS",
                          "DEFAULT_BECOME_FLAGS",
                          "DEFAULT_BECOME_METHOD",
                          "DEFAULT_BECOME_USER",
                          "DEFAULT_FORCE_HANDLERS",
                          "DEFAULT_FORKS",
                          "DEFAULT_GATHERING",
                          "DEFAULT_HASH_BEHAVIOUR",
                          "DEFAULT_HOST_LIST",
                          "DEFAULT_LOG_PATH",
                          "DEFAULT_MANAGED_STR",
                          "DEFAULT_PRIVATE_KEY_FILE",
                          "DEFAULT_REMOTE_PORT",
                          "DEFAULT_REMOTE_USER",
                          "DEFAULT_ROLES_PATH",
                          "DEFAULT_STDOUT_CALLBACK",
                          "DEFAULT_STRATEGY",
                          "DEFAULT_TIMEOUT",
                          "DEFAULT_TRANSPORT",
                          "DEFAULT_VAULT_ENCRYPT_IDENTITY",
                          "DEFAULT_VAULT_IDENTITY_LIST",
                          "DEFAULT_VAULT_PASSWORD_FILE",
                          "DEFAULT_VERBOSITY",
                          "DEPRECATION_WARNINGS",
                          "DIFF_ALWAYS",
                          "HOST_KEY_CHECKING",
                          "INVENTORY_UNPARSED_WARNING",
                          "LOCALHOST_WARNING",
                          "TAGS_RUN",
                          "RETRY_FILES_ENABLED",
                          "RETRY_FILES_SAVE_PATH",
                          "TAGS_SKIP",
                          "become.su.become_flags",
                          "become.sudo.become_flags",
                          "callback.default.display_failed_stderr",
                          "callback.default.display_ok_hosts",
                          "callback.default.display_skipped_hosts",
                          "callback.default.show_task_path_on_failure",
                          "connection.ssh.control_path_dir",
                          "connection.ssh.host_key_checking",
                          "connection.ssh.port",
                          "connection.ssh.private_key_file",
                          "connection.ssh.remote_user",
                          "connection.ssh.ssh_common_args",
                          "connection.ssh.ssh_extra_args",
                          "connection.ssh.timeout"})
      t[n] = Support::kHonoured;
    for (const char* n : {"ACTION_WARNINGS",
                          "AGNOSTIC_BECOME_PROMPT",
                          "ANSIBLE_CONNECTION_PATH",
                          "ANSIBLE_COW_ACCEPTLIST",
                          "ANSIBLE_COW_PATH",
                          "ANSIBLE_COW_SELECTION",
                          "ANSIBLE_HOME",
                          "ANSIBLE_NOCOWS",
                          "ANSIBLE_PIPELINING",
                          "COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH",
                          "COVERAGE_REMOTE_OUTPUT",
                          "COVERAGE_REMOTE_PATHS",
                          "DEFAULT_DEBUG",
                          "DEFAULT_INTERNAL_POLL_INTERVAL",
                          "DEFAULT_KEEP_REMOTE_FILES",
                          "DEFAULT_LIBVIRT_LXC_NOSECLABEL",
                          "DEFAULT_LOAD_CALLBACK_PLUGINS",
                          "DEFAULT_LOCAL_TMP",
                          "DEFAULT_MODULE_COMPRESSION",
                          "DEFAULT_NO_TARGET_SYSLOG",
                          "DEFAULT_POLL_INTERVAL",
                          "DEFAULT_SYSLOG_FACILITY",
                          "DEVEL_WARNING",
                          "DOCSITE_ROOT_URL",
                          "GALAXY_CACHE_DIR",
                          "GALAXY_COLLECTION_SKELETON",
                          "GALAXY_COLLECTION_SKELETON_IGNORE",
                          "GALAXY_DISABLE_GPG_VERIFY",
                          "GALAXY_DISPLAY_PROGRESS",
                          "GALAXY_GPG_KEYRING",
                          "GALAXY_IGNORE_CERTS",
                          "GALAXY_IGNORE_INVALID_SIGNATURE_STATUS_CODES",
                          "GALAXY_REQUIRED_VALID_SIGNATURE_COUNT",
                          "GALAXY_ROLE_SKELETON",
                          "GALAXY_ROLE_SKELETON_IGNORE",
                          "GALAXY_SERVER",
                          "GALAXY_SERVER_LIST",
                          "GALAXY_TOKEN_PATH",
                          "INTERPRETER_PYTHON",
                          "JINJA2_NATIVE_WARNING",
                          "MODULE_IGNORE_EXTS",
                          "NETCONF_SSH_CONFIG",
                          "NETWORK_GROUP_MODULES",
                          "OLD_PLUGIN_CACHE_CLEARING",
                          "PERSISTENT_COMMAND_TIMEOUT",
                          "PERSISTENT_CONNECT_RETRY_TIMEOUT",
                          "PERSISTENT_CONNECT_TIMEOUT",
                          "PERSISTENT_CONTROL_PATH_DIR",
                          "PYTHON_MODULE_RLIMIT_NOFILE",
                          "STRING_CONVERSION_ACTION",
                          "SYSTEM_WARNINGS",
                          "TASK_DEBUGGER_IGNORE_ERRORS",
                          "USE_PERSISTENT_CONNECTIONS",
                          "VALIDATE_ACTION_GROUP_METADATA",
                          "WIN_ASYNC_STARTUP_TIMEOUT",
                          "WORKER_SHUTDOWN_POLL_COUNT",
                          "WORKER_SHUTDOWN_POLL_DELAY",
                          "connection.local.pipelining",
                          "connection.ssh.control_path",
                          "connection.ssh.pipelining",
                          "connection.ssh.scp_executable",
                          "connection.ssh.scp_extra_args",
                          "connection.ssh.scp_if_ssh",
                          "connection.ssh.sftp_batch_mode",
                          "connection.ssh.sftp_executable",
                          "connection.ssh.sftp_extra_args",
                          "connection.ssh.ssh_executable",
                          "connection.ssh.ssh_transfer_method",
                          "connection.ssh.sshpass_prompt",
                          "shell.sh.admin_users",
                          "shell.sh.common_remote_group",
                          "shell.sh.system_tmpdirs",
                          "shell.sh.world_readable_temp"})
      t[n] = Support::kNoEffect;
    return t;
  }();
  return table;
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

// Ansible's unquote: one pair of matching surrounding quotes removed.
std::string Unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::optional<SettingValue> Resolve(const SettingDef& d, const AnsibleConfig& cfg) {
  std::optional<SettingValue> found;
  for (const char* env : d.env)
    if (const char* v = std::getenv(env)) found = SettingValue{v, env, true};
  if (found) return found;
  for (const IniEntry& e : d.ini) {
    auto s = cfg.values.find(e.section);
    if (s == cfg.values.end() || !s->second.count(e.key)) continue;
    found = SettingValue{s->second.at(e.key),
                         cfg.file + ":" + std::to_string(cfg.lines.at(e.section).at(e.key)), false};
  }
  return found;
}

std::optional<long> ParseInt(const std::string& text) {
  const std::string t = Trim(text);
  if (t.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(t.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return v;
}

// A set value equal to the setting's default changes nothing.
bool IsDefault(const SettingDef& d, const std::string& text) {
  if (!d.default_text) return false;
  switch (d.kind) {
    case Kind::kBool: return AnsibleBoolean(text) == (std::string_view(d.default_text) == "true");
    case Kind::kInt: {
      std::optional<long> a = ParseInt(text), b = ParseInt(d.default_text);
      return a && b && *a == *b;
    }
    case Kind::kList: {
      std::vector<std::string> items;
      for (const std::string& i : Split(text, ',')) items.push_back(Unquote(Trim(i)));
      std::string joined;
      for (size_t i = 0; i < items.size(); ++i) joined += (i ? "," : "") + items[i];
      return joined == d.default_text ||
             (items.size() == 1 && items[0].empty() && std::string_view(d.default_text).empty());
    }
    default: return Unquote(Trim(text)) == d.default_text;
  }
}

// The name a user knows a setting by: its first ansible.cfg key.
std::string KnownAs(const SettingDef& d) {
  if (!d.ini.empty()) return d.ini.back().key;
  return d.name;
}

// One entry the user set: an ansible.cfg key or an environment variable.
struct UserEntry {
  std::string label;  // "[defaults] pipelining (FILE:LINE)" or "ANSIBLE_PIPELINING"
  std::string text;
  bool honoured = false, no_effect = false, at_default = true;
  std::string known_as;
};

std::vector<UserEntry> EntriesUserSet(const AnsibleConfig& cfg) {
  std::map<std::string, UserEntry> by_label;
  auto classify = [](UserEntry& u, const SettingDef& d) {
    auto s = SupportTable().find(d.name);
    if (s != SupportTable().end() && s->second == Support::kHonoured) u.honoured = true;
    if (s != SupportTable().end() && s->second == Support::kNoEffect) u.no_effect = true;
    if (!IsDefault(d, u.text)) u.at_default = false;
    if (u.known_as.empty()) u.known_as = KnownAs(d);
  };
  for (const SettingDef& d : Defs()) {
    bool env_set = false;
    for (const char* env : d.env) {
      const char* v = std::getenv(env);
      if (!v) continue;
      UserEntry& u = by_label[env];
      u.label = env;
      u.text = v;
      classify(u, d);
      env_set = true;
    }
    if (env_set) continue;  // the variable wins: its entry is the one named
    for (const IniEntry& e : d.ini) {
      auto s = cfg.values.find(e.section);
      if (s == cfg.values.end() || !s->second.count(e.key)) continue;
      const std::string label = "[" + std::string(e.section) + "] " + e.key + " (" + cfg.file +
                                ":" + std::to_string(cfg.lines.at(e.section).at(e.key)) + ")";
      UserEntry& u = by_label[label];
      u.label = label;
      u.text = s->second.at(e.key);
      classify(u, d);
    }
  }
  std::vector<UserEntry> out;
  for (auto& [label, u] : by_label) out.push_back(std::move(u));
  return out;
}

// callbacks_enabled: profile_tasks and timer print drover's TASK TIMING
// block; any other callback is not run.
std::optional<Error> CallbackWarning(const AnsibleSettings& s) {
  std::optional<SettingValue> v = s.Find("CALLBACKS_ENABLED");
  if (!v) return std::nullopt;
  std::string others;
  for (const std::string& name : s.List("CALLBACKS_ENABLED")) {
    std::string_view n = name;
    if (n.empty()) continue;
    const size_t dot = n.rfind('.');
    const std::string_view base = dot == std::string_view::npos ? n : n.substr(dot + 1);
    if (base == "profile_tasks" || base == "timer") continue;
    others += (others.empty() ? "" : ", ") + name;
  }
  if (others.empty()) return std::nullopt;
  return MakeError("callbacks_enabled (" + v->origin + "): drover does not run the callback(s) " +
                   others +
                   "; of the callbacks it honours only profile_tasks and timer (the "
                   "TASK TIMING block after the recap)");
}

}  // namespace

bool AnsibleBoolean(std::string_view value) {
  std::string v = Trim(value);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "y" || v == "yes" || v == "on" || v == "1" || v == "true" || v == "t";
}

AnsibleSettings::AnsibleSettings(const AnsibleConfig& cfg) : cfg_(cfg) {}

std::optional<SettingValue> AnsibleSettings::Find(std::string_view name) const {
  const SettingDef* d = FindDef(name);
  return d ? Resolve(*d, cfg_) : std::nullopt;
}

std::string AnsibleSettings::String(std::string_view name) const {
  std::optional<SettingValue> v = Find(name);
  return v ? Unquote(v->text) : "";
}

std::optional<bool> AnsibleSettings::Bool(std::string_view name) const {
  std::optional<SettingValue> v = Find(name);
  if (!v) return std::nullopt;
  return AnsibleBoolean(v->text);
}

std::optional<int> AnsibleSettings::Int(std::string_view name) const {
  std::optional<SettingValue> v = Find(name);
  if (!v) return std::nullopt;
  std::optional<long> n = ParseInt(v->text);
  if (!n) return std::nullopt;
  return static_cast<int>(*n);
}

std::string AnsibleSettings::Path(std::string_view name) const {
  std::optional<SettingValue> v = Find(name);
  if (!v || v->text.empty()) return "";
  return ResolveConfigPath(Unquote(v->text), v->from_env ? "./ansible.cfg" : cfg_.file);
}

std::vector<std::string> AnsibleSettings::List(std::string_view name) const {
  std::optional<SettingValue> v = Find(name);
  std::vector<std::string> out;
  if (!v) return out;
  for (const std::string& item : Split(v->text, ',')) out.push_back(Unquote(Trim(item)));
  return out;
}

std::vector<std::string> AnsibleSettings::Paths(std::string_view name) const {
  const SettingDef* d = FindDef(name);
  std::optional<SettingValue> v = Find(name);
  std::vector<std::string> out;
  if (!d || !v) return out;
  for (const std::string& item : Split(v->text, d->kind == Kind::kPathList ? ',' : ':')) {
    const std::string t = Trim(item);
    if (!t.empty()) out.push_back(ResolveConfigPath(t, v->from_env ? "./ansible.cfg" : cfg_.file));
  }
  return out;
}

Status AnsibleSettings::Validate() const {
  for (const SettingDef& d : Defs()) {
    if (d.kind != Kind::kInt) continue;
    std::optional<SettingValue> v = Resolve(d, cfg_);
    if (!v || ParseInt(v->text)) continue;
    Error e = MakeError("Invalid type for configuration option setting: " + std::string(d.name) +
                        " (from " + (v->from_env ? "env: " + v->origin : cfg_.file) +
                        "): invalid literal for int() with base 10: '" + v->text + "'");
    e.code = ExitCode::kBadOptions;
    return e;
  }
  // Settings with base.yml `choices` that drover honours.
  static const std::pair<const char*, std::vector<std::string>> kChoices[] = {
      {"DEFAULT_GATHERING", {"implicit", "explicit", "smart"}},
      {"DEFAULT_HASH_BEHAVIOUR", {"replace", "merge"}},
  };
  for (const auto& [name, choices] : kChoices) {
    const std::string v = String(name);
    if (v.empty() || std::find(choices.begin(), choices.end(), v) != choices.end()) continue;
    std::string valid;
    for (const std::string& c : choices) valid += (valid.empty() ? "" : ", ") + c;
    Error e = MakeError("Invalid value \"" + v + "\" for configuration option \"setting: " + name +
                        " \", valid values are: " + valid);
    e.code = ExitCode::kBadOptions;
    return e;
  }
  return {};
}

namespace {

// True when ssh_args holds only what drover's connection persistence reads
// (connection/persisted_connection.h): -C and -o Control* options.
bool OnlyPersistenceOptions(const std::string& ssh_args) {
  std::istringstream words(ssh_args);
  std::string w;
  auto control_option = [](std::string o) {
    std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return std::tolower(c); });
    return o.rfind("controlmaster=", 0) == 0 || o.rfind("controlpersist=", 0) == 0 ||
           o.rfind("controlpath=", 0) == 0;
  };
  while (words >> w) {
    if (w == "-C") continue;
    if (w == "-o") {
      if (!(words >> w) || !control_option(w)) return false;
      continue;
    }
    if (w.rfind("-o", 0) == 0 && control_option(w.substr(2))) continue;
    return false;
  }
  return true;
}

}  // namespace

std::vector<Error> AnsibleSettings::IgnoredSettingWarnings() const {
  std::vector<Error> out;
  std::string no_effect;
  for (const UserEntry& u : EntriesUserSet(cfg_)) {
    if (u.honoured) continue;
    if (u.no_effect) {
      if (!u.at_default) no_effect += (no_effect.empty() ? "" : ", ") + u.label;
      continue;
    }
    if (u.at_default) continue;  // the default is what drover does
    if (u.known_as == "connection.ssh.ssh_args") {
      if (!OnlyPersistenceOptions(u.text))
        out.push_back(MakeError(u.label +
                                " is partly ignored by drover: it reads only -C and the "
                                "ControlMaster/ControlPersist/ControlPath options (connection "
                                "persistence)"));
      continue;
    }
    const bool env = u.label.rfind("ANSIBLE_", 0) == 0;
    out.push_back(MakeError((env ? u.label + " (setting " + u.known_as + ")" : u.label) +
                            " is ignored by drover: it does not implement this setting"));
  }
  if (!no_effect.empty())
    out.push_back(
        MakeError("no effect in drover (it runs no Python on the hosts and keeps no "
                  "Ansible state on the controller): " +
                  no_effect));
  if (std::optional<Error> cb = CallbackWarning(*this)) out.push_back(*cb);
  return out;
}

Status ReportSettings(const AnsibleSettings& settings) {
  if (Status s = settings.Validate(); !s) {
    // As Ansible's constants fail to load: "ERROR: " on stderr, not display.error().
    std::fprintf(stderr, "ERROR: %s\n", s.error().message.c_str());
    return s;
  }
  vars::SetHashMerge(settings.String("DEFAULT_HASH_BEHAVIOUR") == "merge");
  if (settings.Find("DEFAULT_MANAGED_STR"))
    executor::SetManagedFormat(settings.String("DEFAULT_MANAGED_STR"));
  for (const Error& w : settings.IgnoredSettingWarnings()) ReportWarning(w);
  return {};
}

}  // namespace drover::cli
