// lineinfile's text editing, pure: given a file's content and the task's
// arguments, the new content, whether it changed and Ansible's msg. The
// algorithm follows ansible.builtin.lineinfile 2.14 (present: regexp or
// search_string match wins, then an exact line, then insertafter /
// insertbefore (regex, BOF, EOF); absent: remove every matching line).
// Regexes are Python re syntax on PCRE2 (template/regex.h).
#pragma once

#include <optional>
#include <string>

#include "core/error.h"

namespace drover::modules {

struct LineEditSpec {
  std::optional<std::string> regexp;
  std::optional<std::string> search_string;
  std::optional<std::string> line;
  bool present = true;
  std::optional<std::string> insertafter;
  std::optional<std::string> insertbefore;
  bool backrefs = false;
  bool firstmatch = false;
};

struct LineEditResult {
  std::string content;
  bool changed = false;
  std::string msg;
  int64_t found = 0;  // lines removed (absent)
};

// Errors: a bad regular expression.
Result<LineEditResult> EditLines(const std::string& content, const LineEditSpec& spec);

}  // namespace drover::modules
