// ansible's AnsibleParserError exit code (4): a playbook, task file or
// group_vars/host_vars file that does not parse, an unknown key or module.
// It shares its number with ExitCode::kUnreachable, and the executor reads
// code 4 on a task's error as "unreachable": give it only to errors that end
// the command before (or instead of) a task's result.
#pragma once

#include "core/error.h"

namespace drover {

inline constexpr ExitCode kParserError = static_cast<ExitCode>(4);

inline Error AsParserError(Error e) {
  e.code = kParserError;
  return e;
}

}  // namespace drover
