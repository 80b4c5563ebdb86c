#include "connection/shell.h"

#include <cctype>

namespace drover::connection {

std::string ShellQuote(const std::string& word) {
  if (word.empty()) return "''";
  bool safe = true;
  for (unsigned char c : word) {
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == ',' || c == ':' ||
          c == '=' || c == '+' || c == '@' || c == '%')) {
      safe = false;
      break;
    }
  }
  if (safe) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\"'\"'";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

Result<std::vector<std::string>> ShellSplit(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') {
      const size_t end = text.find('\'', i + 1);
      if (end == std::string::npos) return MakeError("no closing quotation in: " + text);
      word += text.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() &&
            (text[j + 1] == '"' || text[j + 1] == '\\' || text[j + 1] == '$' ||
             text[j + 1] == '`')) {
          ++j;
        }
        word += text[j];
      }
      if (j >= text.size()) return MakeError("no closing quotation in: " + text);
      i = j;
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return MakeError("no escaped character in: " + text);
      word += text[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string WithEnvironment(const std::string& command,
                            const std::vector<std::pair<std::string, std::string>>& env) {
  if (env.empty()) return command;
  std::string script;
  for (const auto& [key, value] : env) {
    script += "export " + key + "=" + ShellQuote(value) + "\n";
  }
  return script + command;
}

}  // namespace drover::connection
