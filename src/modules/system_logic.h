// The pure decisions of the system modules (apt, user, systemd): what they
// conclude from what a host reported, without a host, so that unit tests
// can pin them to Ansible's behaviour.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace drover::modules {

// One requested package: "name", "name=version" or "name>=version"
// (Ansible's package_split).
struct AptPackageSpec {
  std::string text, name, cmp, version;
};

// What the host reported for one package name.
struct AptPackageState {
  std::string status;                 // dpkg's db:Status-Status; "" when dpkg knows nothing
  std::string installed_version;      // with status "installed"
  std::string candidate;              // apt-cache policy's Candidate, "" for (none)
  std::vector<std::string> versions;  // the version table, best first
  std::vector<std::pair<std::string, std::string>> providers;  // name, dpkg status
  bool ge_installed = false, ge_candidate = false;             // for ">="
  bool is_auto = false;
  bool Installed() const { return status == "installed"; }
  bool HasFiles() const { return !status.empty() && status != "not-installed"; }
};

// Ansible's package_status: (installed, version_is_installed,
// version_installable) where installable is "" (None), "\x01" (True: let
// apt decide) or a version.
struct AptDecision {
  bool installed = false, version_installed = false;
  std::string installable;
};
inline constexpr const char* kAptLetDecide = "\x01";

// Splits "name", "name=version", "name>=version".
AptPackageSpec SplitAptSpec(const std::string& text);
// Ansible's apt package_status for one requested package.
AptDecision DecideAptPackage(const AptPackageSpec& spec, const AptPackageState& st);

// Ansible's parse_systemctl_show: KEY=VALUE lines of `systemctl show`;
// only Exec* values may span lines (between { and }).
Map ParseSystemctlShow(const std::string& text);

// Ansible's user check_password_encrypted: whether `password` looks like a
// crypt(3) hash (else the module warns).
bool LooksLikeCryptHash(const std::string& password);

}  // namespace drover::modules
