// A small wrapper over PCRE2 for the Python `re` patterns the inventory needs
// (address validation, host-pattern wildcards and `~regex` patterns). PCRE2
// accepts the Python syntax used here; matching is on UTF-8 text.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace drover::inventory {

class Regex {
 public:
  struct Options {
    bool extended = false;  // re.X
    bool caseless = false;  // re.I
  };
  // Compiles `pattern`; the error names the pattern and PCRE2's reason.
  static Result<Regex> Compile(std::string_view pattern, Options options);
  static Result<Regex> Compile(std::string_view pattern) { return Compile(pattern, Options{}); }

  // Python re.match: anchored at the start, not at the end. Returns the
  // capture groups (index 0 is the whole match; unset groups are empty).
  std::optional<std::vector<std::string>> Match(std::string_view subject) const;
  bool Matches(std::string_view subject) const { return Match(subject).has_value(); }

 private:
  struct Code;
  std::shared_ptr<Code> code_;
};

// Python's fnmatch.translate as an anchored pattern: `*`, `?`, `[seq]`,
// `[!seq]`; everything else literal.
std::string FnmatchToRegex(std::string_view glob);

}  // namespace drover::inventory
