// blockinfile's and replace's text editing, pure: given a file's bytes and
// the task's arguments, the new bytes, whether they changed and Ansible's
// msg. The algorithms follow ansible.builtin.blockinfile and
// ansible.builtin.replace 2.14; regexes are Python re on PCRE2
// (template/regex.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"

namespace drover::modules {

struct BlockSpec {
  std::string block;
  std::string marker = "# {mark} ANSIBLE MANAGED BLOCK";
  std::string marker_begin = "BEGIN";
  std::string marker_end = "END";
  bool present = true;
  std::optional<std::string> insertafter;   // regex, or "EOF"
  std::optional<std::string> insertbefore;  // regex, or "BOF"
};

struct TextEditResult {
  std::string content;
  bool changed = false;
  std::string msg;
};

// `original` is nullopt when the file does not exist (then msg is "File
// created"). An existing marked block (the last BEGIN and END marker lines)
// is replaced in place; otherwise the block goes after the last line
// matching insertafter (or before the last matching insertbefore; a pattern
// with the (?m) flag is searched over the whole text), at BOF, or at EOF.
// Errors: a bad regular expression.
Result<TextEditResult> EditBlock(const std::optional<std::string>& original, const BlockSpec& spec);

struct ReplaceSpec {
  std::string regexp;
  std::string replace;
  std::optional<std::string> after;
  std::optional<std::string> before;
};

struct ReplaceResult {
  std::string content;
  bool changed = false;
  std::string msg;  // "N replacements made", or "" when unchanged
  // When after/before did not match: the section pattern (Ansible then
  // exits unchanged with "Pattern for before/after params did not match").
  std::optional<std::string> unmatched_section;
};

// re.subn(re.compile(regexp, re.MULTILINE), replace, section) where the
// section is the text between the after and before matches (DOTALL).
// Errors: a bad regular expression or replacement template.
Result<ReplaceResult> ReplaceText(const std::string& contents, const ReplaceSpec& spec);

}  // namespace drover::modules
