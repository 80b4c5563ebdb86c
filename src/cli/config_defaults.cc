#include "cli/config_defaults.h"

#include <algorithm>
#include <cstdlib>

#include "output/color_choice.h"

namespace drover::cli {

std::vector<std::string> ConfiguredInventory(const AnsibleConfig& cfg) {
  if (const char* inv = std::getenv("ANSIBLE_INVENTORY")) return {inv};
  if (std::string inv = cfg.GetPath("defaults", "inventory"); !inv.empty()) return {inv};
  return {};
}

std::string ConfiguredSetting(const AnsibleConfig& cfg, const char* env, const char* section,
                              const char* key) {
  if (const char* v = std::getenv(env)) return v;
  return cfg.Get(section, key);
}

std::string ConfiguredPath(const AnsibleConfig& cfg, const char* env, const char* section,
                           const char* key) {
  if (const char* v = std::getenv(env)) return *v ? ResolveConfigPath(v, "./ansible.cfg") : "";
  return cfg.GetPath(section, key);
}

std::optional<bool> ConfiguredBool(const AnsibleConfig& cfg, const char* env, const char* section,
                                   const char* key) {
  const std::string v = ConfiguredSetting(cfg, env, section, key);
  if (v.empty()) return std::nullopt;
  return output::AnsibleTrue(v);
}

std::optional<int> ConfiguredForks(const AnsibleConfig& cfg) {
  const char* env = std::getenv("ANSIBLE_FORKS");
  const std::string forks = env ? env : cfg.Get("defaults", "forks");
  if (forks.empty()) return std::nullopt;
  return std::max(1, std::atoi(forks.c_str()));
}

std::optional<Error> EmptyInventoryWarning(const AnsibleConfig& cfg, size_t host_count,
                                           const std::string& pattern) {
  if (host_count != 0 || pattern == "localhost" || pattern == "127.0.0.1" || pattern == "::1")
    return std::nullopt;
  const char* env = std::getenv("ANSIBLE_LOCALHOST_WARNING");
  const std::string setting = env ? env : cfg.Get("defaults", "localhost_warning");
  if (!setting.empty() && !output::AnsibleTrue(setting)) return std::nullopt;
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
  return MakeError("stdout_callback '" + name + "' (" + origin +
                   ") is not supported by drover, which prints the output of the default and "
                   "yaml callbacks; unset it or set it to default or yaml. No host was "
                   "contacted.");
}

}  // namespace drover::cli
