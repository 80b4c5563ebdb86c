// "Did you mean" suggestions for unknown names (keys, modules, filters).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover {

// Returns the candidate closest to `word` by edit distance when it is close
// enough to be a plausible typo (distance <= max(1, len/3)), else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

// "; did you mean 'x'?" when ClosestMatch finds one, else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace drover
