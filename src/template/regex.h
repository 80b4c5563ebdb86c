// Python `re` on PCRE2 (UTF + UCP mode), for the regex filters and tests.
//
// Differences from Python's re that drover handles:
//  - `\Z` means end of string in Python; it is rewritten to PCRE2's `\z`.
//  - `{,n}` (Python: {0,n}) is rewritten to `{0,n}`.
//  - replacement strings use Python's syntax (\1, \g<1>, \g<name>, \n, \\),
//    expanded by drover, not PCRE2.
//  - empty matches follow Python 3.7+ (allowed right after a non-empty match).
// Known remaining differences: PCRE2 accepts some syntax Python rejects
// (possessive quantifiers, atomic groups, \K, recursion), and Python's
// `re.LOCALE`/`re.ASCII` flags are not supported.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace drover::tmpl {

struct RegexFlags {
  bool ignorecase = false;
  bool multiline = false;
  bool dotall = false;
};

struct RegexMatch {
  // (start, end) byte offsets per group; (-1, -1) for groups that did not
  // participate. groups[0] is the whole match.
  std::vector<std::pair<long, long>> groups;
  std::string Group(std::string_view subject, size_t i) const;
  bool Participated(size_t i) const { return groups[i].first >= 0; }
};

class Regex {
 public:
  // Compiles (cached); throws RenderError on a bad pattern.
  static std::shared_ptr<const Regex> Compile(const std::string& pattern, RegexFlags flags = {});
  ~Regex();

  // First match at or after `start`; anchored = re.match semantics.
  bool Search(std::string_view subject, size_t start, RegexMatch* m, bool anchored = false,
              bool not_empty_at_start = false) const;
  // All non-overlapping matches, as Python's finditer.
  std::vector<RegexMatch> FindAll(std::string_view subject) const;
  // re.sub with a Python replacement template; count 0 = all.
  std::string Sub(std::string_view subject, const std::string& repl, int64_t count = 0) const;
  size_t GroupCount() const { return group_count_; }
  // Group index of a named group, or -1.
  int GroupIndex(std::string_view name) const;
  // Expands a Python replacement template (\1, \g<name>) for one match.
  std::string Expand(std::string_view subject, const RegexMatch& m, const std::string& repl) const;

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code*
  size_t group_count_ = 0;
  std::vector<std::pair<std::string, int>> names_;
};

// Python's re.escape.
std::string RegexEscape(std::string_view s);

}  // namespace drover::tmpl
