// UTF-8 encoding of code points (for \u escapes in JSON, Python-style string
// literals and YAML).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace drover {

// Appends the UTF-8 encoding of `cp` (any value up to 0x10FFFF).
void AppendUtf8(std::string& out, uint32_t cp);

// The length of the well-formed UTF-8 sequence starting at s[i] (1 to 4),
// or 0 when the bytes there are not one (stray continuation byte, truncated
// or overlong sequence, surrogate, beyond U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace drover
