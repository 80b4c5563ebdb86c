#include "output/color_choice.h"

#include <unistd.h>

#include <cstdlib>
#include <optional>

namespace drover::output {

namespace {

// The first of `envs` set in the environment, last listed winning (as
// Ansible's config manager reads a setting's env list), else the ini value.
std::optional<std::string> Setting(std::initializer_list<const char*> envs,
                                   const AnsibleConfig& cfg, const char* ini_key) {
  std::optional<std::string> value;
  for (const char* env : envs)
    if (const char* v = std::getenv(env)) value = v;
  if (value) return value;
  std::string ini = cfg.Get("defaults", ini_key);
  if (!ini.empty()) return ini;
  return std::nullopt;
}

bool TerminalHasColors() {
  if (!::isatty(STDOUT_FILENO)) return false;
  const char* term = std::getenv("TERM");
  return term && *term && std::string(term) != "dumb";
}

}  // namespace

bool AnsibleTrue(const std::string& value) {
  std::string v;
  for (char c : value) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "y" || v == "yes" || v == "on" || v == "1" || v == "true" || v == "t" || v == "1.0";
}

bool AnsibleColorEnabled(const AnsibleConfig& cfg) {
  std::optional<std::string> nocolor = Setting({"ANSIBLE_NOCOLOR", "NO_COLOR"}, cfg, "nocolor");
  std::optional<std::string> force = Setting({"ANSIBLE_FORCE_COLOR"}, cfg, "force_color");
  if (force && AnsibleTrue(*force)) return true;
  if (nocolor && AnsibleTrue(*nocolor)) return false;
  return TerminalHasColors();
}

}  // namespace drover::output
