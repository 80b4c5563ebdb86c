// A registered command whose implementation has not landed yet. Its --help
// says so plainly, and running it exits non-zero (5, bad options).
#pragma once

#include <string>

#include "cli/command.h"

namespace drover::cli {

Command PendingCommand(std::string name, std::string ansible_name, std::string summary,
                       std::string usage);

}  // namespace drover::cli
