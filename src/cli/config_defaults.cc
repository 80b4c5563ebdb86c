#include "cli/config_defaults.h"

#include <algorithm>
#include <cstdlib>

#include "cli/ansible_settings.h"
#include "connection/persisted_connection.h"

namespace drover::cli {

std::vector<std::string> ConfiguredInventory(const AnsibleConfig& cfg) {
  return AnsibleSettings(cfg).Paths("DEFAULT_HOST_LIST");
}

std::string ConfiguredControlPathDir(const AnsibleConfig& cfg) {
  const AnsibleSettings settings(cfg);
  std::string dir;
  if (settings.Find("connection.ssh.control_path_dir"))
    dir = settings.Path("connection.ssh.control_path_dir");
  if (dir.empty()) {
    const char* home = std::getenv("HOME");
    if (home && *home) dir = std::string(home) + "/.drover/cp";
  }
  return dir;
}

Status ConfigurePersistence(const AnsibleConfig& cfg, connection::ConnectionDefaults* defaults) {
  auto idle = connection::PersistIdleSeconds(
      std::getenv("DROVER_PERSIST"), AnsibleSettings(cfg).String("connection.ssh.ssh_args"));
  if (!idle) return idle.take_error();
  defaults->persist_idle_s = *idle;
  defaults->control_path_dir = ConfiguredControlPathDir(cfg);
  return {};
}

std::map<std::string, std::string> ConfiguredBecomeFlags(const AnsibleConfig& cfg) {
  const AnsibleSettings settings(cfg);
  std::map<std::string, std::string> out;
  for (const char* method : {"sudo", "su"}) {
    const std::string name = std::string("become.") + method + ".become_flags";
    if (settings.Find(name)) out[method] = settings.String(name);
  }
  return out;
}

std::optional<int> ConfiguredForks(const AnsibleConfig& cfg) {
  std::optional<int> forks = AnsibleSettings(cfg).Int("DEFAULT_FORKS");
  if (!forks) return std::nullopt;
  return std::max(1, *forks);
}

std::optional<connection::HostKeyPolicy> ConfiguredHostKeyPolicy(const AnsibleConfig& cfg) {
  std::optional<bool> check = AnsibleSettings(cfg).Bool("connection.ssh.host_key_checking");
  if (check && !*check) return connection::HostKeyPolicy::kOff;
  return std::nullopt;
}

std::optional<Error> EmptyInventoryWarning(const AnsibleConfig& cfg, size_t host_count,
                                           const std::string& pattern) {
  if (host_count != 0 || pattern == "localhost" || pattern == "127.0.0.1" || pattern == "::1")
    return std::nullopt;
  if (!AnsibleSettings(cfg).Bool("LOCALHOST_WARNING").value_or(true)) return std::nullopt;
  return MakeError(
      "provided hosts list is empty, only localhost is available. Note that the implicit "
      "localhost does not match 'all'");
}

Result<StdoutCallback> ChooseStdoutCallback(const AnsibleConfig& cfg) {
  std::string origin = "ANSIBLE_STDOUT_CALLBACK";
  std::string name;
  if (const char* env = std::getenv("ANSIBLE_STDOUT_CALLBACK")) {
    name = env;
  } else {
    name = cfg.Get("defaults", "stdout_callback");
    origin = "stdout_callback in " + cfg.file;
  }
  if (name.empty() || name == "default" || name == "ansible.builtin.default")
    return StdoutCallback::kDefault;
  if (name == "yaml" || name == "community.general.yaml") return StdoutCallback::kYaml;
  if (name == "minimal" || name == "ansible.builtin.minimal") return StdoutCallback::kMinimal;
  if (name == "oneline" || name == "ansible.builtin.oneline") return StdoutCallback::kOneline;
  // 2.14 routes the short name `json` to ansible.posix.json.
  if (name == "json" || name == "ansible.posix.json") return StdoutCallback::kJson;
  return MakeError("stdout_callback '" + name + "' (" + origin +
                   ") is not supported by drover, which prints the output of the default, yaml, "
                   "minimal, oneline and json callbacks; unset it or set it to one of those. No "
                   "host was contacted.");
}

std::optional<Error> StdoutCallbackWarning(StdoutCallback callback) {
  const char* name = callback == StdoutCallback::kJson      ? "json"
                     : callback == StdoutCallback::kMinimal ? "minimal"
                     : callback == StdoutCallback::kOneline ? "oneline"
                                                            : nullptr;
  if (!name) return std::nullopt;
  const std::string where = callback == StdoutCallback::kJson
                                ? "which ansible.posix.json records in every module's result"
                                : "which this callback shows in a looped module's items (and "
                                  "from -vvv in every result)";
  return MakeError(std::string("stdout_callback ") + name +
                   ": drover's results carry no 'invocation' (the module arguments Ansible's "
                   "modules echo back), " +
                   where + "; the rest is as ansible-playbook 2.14 prints it");
}

}  // namespace drover::cli
