#include "connection/shell.h"

#include <cctype>

#include "core/shlex.h"

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
  Result<std::vector<std::string>> words = ShlexSplit(text);
  if (words) return words;
  std::string message = words.error().message;  // "No closing quotation"...
  message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  return MakeError(message + " in: " + text);
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
