// The one table of modules drover implements only in part, each with a
// one-line reason (what is missing). `drover playbook --check-support`
// prints it; the README's "Partial:" lines say the same at more length.
// A module not listed here but registered (registry.cc) is implemented
// fully. One line per module, appended at the end (partial.cc).
#pragma once

#include <string_view>

namespace drover::modules {

// Why `module` (a registry name) is partial, or "" when it is not.
std::string_view PartialReason(std::string_view module);

}  // namespace drover::modules
