// POSIX sh text: the one quoting function every value put on a remote
// command line goes through, and its inverse for user-given argument strings.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace drover::connection {

// Shell-quotes `word` for POSIX sh: "" -> '', words of safe characters
// unchanged, otherwise single-quoted with each ' written as '"'"'.
std::string ShellQuote(const std::string& word);

// Splits text into words as Python's shlex.split (POSIX mode) does
// (core/shlex.h). Unclosed quotes are an error naming the text.
Result<std::vector<std::string>> ShellSplit(const std::string& text);

// The script that exports `env` (names must be valid identifiers; others are
// an error at the caller) and then runs `command`.
std::string WithEnvironment(const std::string& command,
                            const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace drover::connection
