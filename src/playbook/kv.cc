#include "playbook/kv.h"

#include <algorithm>

#include "core/utf8.h"

namespace drover::playbook {

namespace {

// The quote character still open after scanning token, given the one open
// before it (splitter._get_quote_state).
char QuoteState(std::string_view token, char quote) {
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    char prev = i > 0 ? token[i - 1] : '\0';
    if ((c == '"' || c == '\'') && prev != '\\') {
      if (quote) {
        if (c == quote) quote = '\0';
      } else {
        quote = c;
      }
    }
  }
  return quote;
}

size_t Count(std::string_view s, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = s.find(needle); pos != std::string_view::npos;
       pos = s.find(needle, pos + needle.size()))
    ++n;
  return n;
}

int BlockDepth(std::string_view token, int depth, std::string_view open, std::string_view close) {
  int opened = static_cast<int>(Count(token, open));
  int closed = static_cast<int>(Count(token, close));
  if (opened != closed) depth = std::max(0, depth + opened - closed);
  return depth;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string JoinArgs(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (out.empty() || out.back() == '\n')
      out += p;
    else
      out += " " + p;
  }
  return out;
}

// Surrounding matching quotes removed (ansible.parsing.quoting.unquote).
std::string Unquote(std::string s) {
  if (s.size() >= 2 && (s[0] == '"' || s[0] == '\'') && s.back() == s[0])
    return s.substr(1, s.size() - 2);
  return s;
}

// Python escape sequences in k=v words (splitter._decode_escapes), except
// \N{name}, which is left as written.
std::string DecodeEscapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char e = s[i + 1];
    auto hex = [&](size_t n) -> bool {
      if (i + 2 + n > s.size()) return false;
      uint32_t cp = 0;
      for (size_t k = 0; k < n; ++k) {
        char c = s[i + 2 + k];
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
        cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c))
                                                 ? c - '0'
                                                 : std::tolower(c) - 'a' + 10);
      }
      AppendUtf8(out, cp);
      i += 1 + n;
      return true;
    };
    const std::string_view simple = "\\'\"abfnrtv";
    if (simple.find(e) != std::string_view::npos) {
      static const char* decoded = "\\'\"\a\b\f\n\r\t\v";
      out += decoded[simple.find(e)];
      ++i;
    } else if ((e == 'x' && hex(2)) || (e == 'u' && hex(4)) || (e == 'U' && hex(8))) {
      // consumed by hex()
    } else {
      out += s[i];
    }
  }
  return out;
}

bool IsCommandOption(std::string_view k) {
  for (std::string_view o : {"creates", "removes", "chdir", "executable", "warn", "stdin",
                             "stdin_add_newline", "strip_empty_ends"})
    if (k == o) return true;
  return false;
}

std::string Strip(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

Result<std::vector<std::string>> SplitArgs(std::string_view args) {
  std::vector<std::string> params;
  const std::vector<std::string_view> lines = Split(args, '\n');
  char quote = '\0';
  bool inside_quotes = false;
  int print_depth = 0, block_depth = 0, comment_depth = 0;
  for (size_t line_idx = 0; line_idx < lines.size(); ++line_idx) {
    const std::vector<std::string_view> tokens = Split(lines[line_idx], ' ');
    bool line_continuation = false;
    for (size_t idx = 0; idx < tokens.size(); ++idx) {
      std::string_view token = tokens[idx];
      if (token.empty() && idx != 0) {
        if (!params.empty()) params.back() += ' ';
        continue;
      }
      if (token == "\\" && !inside_quotes) {
        line_continuation = true;
        continue;
      }
      const bool was_inside_quotes = inside_quotes;
      quote = QuoteState(token, quote);
      inside_quotes = quote != '\0';
      bool appended = false;
      const bool in_jinja = print_depth || block_depth || comment_depth;
      if (inside_quotes && !was_inside_quotes && !in_jinja) {
        params.emplace_back(token);
        appended = true;
      } else if (in_jinja || inside_quotes || was_inside_quotes) {
        if (params.empty()) params.emplace_back();
        if (idx == 0 && was_inside_quotes) {
          params.back() += token;
        } else if (tokens.size() > 1) {
          params.back() += (idx > 0 ? " " : "") + std::string(token);
        } else {
          params.back() += "\n" + std::string(token);
        }
        appended = true;
      }
      auto track = [&](int& depth, std::string_view open, std::string_view close) {
        int before = depth;
        depth = BlockDepth(token, depth, open, close);
        if (depth != before && !appended) {
          params.emplace_back(token);
          appended = true;
        }
      };
      track(print_depth, "{{", "}}");
      track(block_depth, "{%", "%}");
      track(comment_depth, "{#", "#}");
      if (!(print_depth || block_depth || comment_depth) && !inside_quotes && !appended &&
          !token.empty())
        params.emplace_back(token);
    }
    if (lines.size() > 1 && line_idx != lines.size() - 1 && !line_continuation && !params.empty())
      params.back() += '\n';
  }
  if (print_depth || block_depth || comment_depth || inside_quotes) {
    return MakeError(
        "failed at splitting arguments, either an unbalanced jinja2 block or quotes: " +
        std::string(args));
  }
  return params;
}

Result<Map> ParseKeyValues(std::string_view args, bool check_raw) {
  Result<std::vector<std::string>> words = SplitArgs(args);
  if (!words) return words.take_error();
  Map options;
  std::vector<std::string> raw;
  for (const std::string& orig : *words) {
    std::string x = DecodeEscapes(orig);
    size_t pos = std::string::npos;
    for (size_t p = x.find('=', 1); p != std::string::npos; p = x.find('=', p + 1)) {
      if (x[p - 1] != '\\') {
        pos = p;
        break;
      }
    }
    if (x.find('=') == std::string::npos) {
      raw.push_back(orig);
      continue;
    }
    if (pos == std::string::npos) {
      std::string unescaped;
      for (size_t i = 0; i < x.size(); ++i) {
        if (x[i] == '\\' && i + 1 < x.size() && x[i + 1] == '=') continue;
        unescaped += x[i];
      }
      raw.push_back(unescaped);
      continue;
    }
    std::string key = x.substr(0, pos);
    if (check_raw && !IsCommandOption(key)) {
      raw.push_back(orig);
      continue;
    }
    options.set(Strip(key), Value(Unquote(Strip(std::string_view(x).substr(pos + 1)))));
  }
  if (!raw.empty()) options.set("_raw_params", Value(JoinArgs(raw)));
  return options;
}

}  // namespace drover::playbook
