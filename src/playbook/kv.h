// Ansible's free-form argument syntax: `copy: src=a dest="b c"` and
// `command: chdir=/tmp ls -l`. Same splitting and unquoting rules as
// ansible.parsing.splitter (split_args / parse_kv / join_args).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/value.h"

namespace drover::playbook {

// Splits on spaces and newlines, keeping quoted strings and Jinja2 blocks
// ({{ }}, {% %}, {# #}) whole, quotes included. Unbalanced quotes or blocks
// are an error.
Result<std::vector<std::string>> SplitArgs(std::string_view args);

// Parses "k=v ..." into a map; values are unquoted and their escapes decoded.
// Words without '=' (and, with check_raw, k=v words whose key is not one of
// command's own options) are joined into "_raw_params".
Result<Map> ParseKeyValues(std::string_view args, bool check_raw);

}  // namespace drover::playbook
