#include "core/shlex.h"

namespace drover {

Result<std::vector<std::string>> ShlexSplit(std::string_view text, ShlexOptions options) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has started (possibly empty: "")
  size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (i < text.size()) {
    char c = text[i];
    if (is_space(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '#' && options.comments) {
      while (i < text.size() && text[i] != '\n') ++i;
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return MakeError("No escaped character");
      word += text[i + 1];
      in_word = true;
      i += 2;
    } else if (c == '\'' || c == '"') {
      const char q = c;
      in_word = true;
      ++i;
      for (;;) {
        if (i >= text.size()) return MakeError("No closing quotation");
        char d = text[i];
        if (d == q) {
          ++i;
          break;
        }
        if (q == '"' && d == '\\' && i + 1 < text.size() &&
            (text[i + 1] == '"' || text[i + 1] == '\\')) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        if (q == '"' && d == '\\' && i + 1 >= text.size()) return MakeError("No closing quotation");
        word += d;
        ++i;
      }
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace drover
