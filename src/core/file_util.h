// Small filesystem helpers shared by the loaders.
#pragma once

#include <string>

#include "core/error.h"

namespace drover {

// Reads a whole file. Errors name the file and the reason (errno text).
Result<std::string> ReadFile(const std::string& path);

}  // namespace drover
