// UTF-8 encoding of code points (for \u escapes in JSON, Python-style string
// literals and YAML).
#pragma once

#include <cstdint>
#include <string>

namespace drover {

// Appends the UTF-8 encoding of `cp` (any value up to 0x10FFFF).
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace drover
