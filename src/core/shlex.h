// Python's shlex.split(text, comments=...) in POSIX mode: the one word
// splitter for every string Ansible splits with shlex (INI host lines,
// command arguments, become flags, module option strings). Whitespace
// (space, tab, CR, LF) separates words; '...' is literal; inside "..." a
// backslash escapes only `"` and `\` (so "a\$b" keeps its backslash, as
// Python does and sh does not); a backslash outside quotes escapes the next
// character; with `comments`, `#` outside a word starts a comment to the end
// of the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drover {

struct ShlexOptions {
  bool comments = false;  // shlex.split(..., comments=True)
};

// Fails with "No closing quotation" or "No escaped character", as shlex does.
Result<std::vector<std::string>> ShlexSplit(std::string_view text, ShlexOptions options = {});

}  // namespace drover
