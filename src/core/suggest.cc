#include "core/suggest.h"

#include <algorithm>

namespace drover {

namespace {
// Optimal string alignment distance: insertions, deletions, substitutions
// and adjacent transpositions ("nmae" -> "name") each cost one.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  size_t best = std::string::npos;
  std::string_view match;
  for (std::string_view c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best) {
      best = d;
      match = c;
    }
  }
  size_t limit = std::max<size_t>(1, word.size() / 3);
  if (best == std::string::npos || best > limit) return {};
  return std::string(match);
}

std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string m = ClosestMatch(word, candidates);
  return m.empty() ? std::string() : "; did you mean '" + m + "'?";
}

}  // namespace drover
