// Version comparison as Ansible's version test/filter does it:
// LooseVersion (default), StrictVersion, SemanticVersion.
#pragma once

#include <string>

#include "core/value.h"

namespace drover::tmpl {

// op: ==, =, eq, <, lt, <=, le, >, gt, >=, ge, !=, <>, ne.
// type: loose, strict, semver, semantic. Throws RenderError as Ansible fails.
bool VersionCompare(const Value& a, const Value& b, const std::string& op, const std::string& type);

}  // namespace drover::tmpl
