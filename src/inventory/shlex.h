// Python's shlex.split(text, comments=True) in POSIX mode, as Ansible's INI
// inventory splits a host line: whitespace separates words, '...' is literal,
// "..." allows \" and \\ escapes, a backslash outside quotes escapes the next
// character, and `#` outside quotes starts a comment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drover::inventory {

// Fails with "No closing quotation" or "No escaped character", as shlex does.
Result<std::vector<std::string>> ShlexSplit(std::string_view text);

}  // namespace drover::inventory
