// Asking the user for a password on the terminal, before any worker starts
// (workers never prompt).
#pragma once

#include <string>

#include "core/error.h"

namespace drover::cli {

// Prints `prompt` to /dev/tty and reads one line without echo. Without a
// terminal, reads one line from stdin. The answer is registered as a secret.
Result<std::string> PromptSecret(const std::string& prompt);

}  // namespace drover::cli
