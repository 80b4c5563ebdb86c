// The pure decisions of the pip module: package names and version
// specifiers as Ansible's pip module reads them (pkg_resources'
// Requirement, its _recover_package_name), PEP 440 version matching for
// check mode, without a host.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace drover::modules {

// Ansible's _recover_package_name: ["django>1.1", "<1.3", "six"] ->
// ["django>1.1,<1.3", "six"].
std::vector<std::string> RecoverPackageNames(const std::vector<std::string>& names);

// One requirement ("Name[extra]>=1.0,<2"), as Ansible's Package wraps it.
struct PipRequirement {
  bool plain = false;        // parsed as a requirement (else a URL, a path, ...)
  std::string text;          // what `str(Package)` gives: the argument pip gets
  std::string package_name;  // canonical (lowercase, runs of -_. as -)
  std::vector<std::pair<std::string, std::string>> specs;  // (op, version)
};

// Package(name_string, version_string): with a version, "name==version"
// when it starts with a digit, else "name version".
PipRequirement ParsePipRequirement(const std::string& name,
                                   const std::optional<std::string>& version = std::nullopt);

// PEP 440 comparison: <0, 0, >0.
int ComparePep440(const std::string& a, const std::string& b);
// Whether `version` satisfies every spec (prereleases allowed).
bool PipRequirementSatisfied(const PipRequirement& req, const std::string& version);
// Ansible's _is_present over `pip list --format=freeze` lines.
bool PipPackagePresent(const PipRequirement& req, const std::vector<std::string>& freeze_lines);
// Lowercase, runs of -_. as one -.
std::string CanonicalPipName(const std::string& name);

}  // namespace drover::modules
