#include "template/lexer.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/utf8.h"

namespace drover::tmpl {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsNameChar(char c) {
  return IsNameStart(c) || IsDigit(c);
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Python's "unicode-escape" decoding of a string literal's body.
std::string DecodeEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\n': break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t cp = 0;
        bool ok = i + n < s.size() + 0 && i + n <= s.size() - 1 + 1;
        for (size_t k = 1; ok && k <= n; ++k) {
          if (i + k >= s.size() || HexVal(s[i + k]) < 0) {
            ok = false;
            break;
          }
          cp = cp * 16 + static_cast<uint32_t>(HexVal(s[i + k]));
        }
        if (!ok) throw SyntaxError{"truncated \\" + std::string(1, e) + " escape in string", 0, 0};
        AppendUtf8(out, cp);
        i += n;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          uint32_t cp = static_cast<uint32_t>(e - '0');
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k)
            cp = cp * 8 + static_cast<uint32_t>(s[++i] - '0');
          AppendUtf8(out, cp);
        } else {
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

class Lexer {
 public:
  Lexer(std::string_view text, const Options& options) : options_(options) {
    // Normalize newlines as Jinja2 does; drop one trailing newline unless kept.
    src_.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r') {
        src_ += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        src_ += text[i];
      }
    }
    if (!options.keep_trailing_newline && !src_.empty() && src_.back() == '\n') src_.pop_back();
  }

  std::vector<Token> Run() {
    size_t pos = 0;
    bool line_starting = true;
    while (pos < src_.size()) {
      size_t tag = FindTagStart(pos);
      std::string data = src_.substr(pos, tag - pos);
      if (tag == src_.size()) {
        Emit(Token::Type::kData, pos, std::move(data));
        break;
      }
      char kind = src_[tag + 1];  // '{', '%' or '#'
      char sign = tag + 2 < src_.size() ? src_[tag + 2] : 0;
      size_t data_pos = pos;
      if (sign == '-') {
        size_t n = data.size();
        while (n > 0 && IsSpace(data[n - 1])) --n;
        data.resize(n);
      } else if (sign != '+' && options_.lstrip_blocks && kind != '{') {
        size_t nl = data.rfind('\n');
        size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
        if (l_pos > 0 || line_starting) {
          bool only_blank = true;
          for (size_t i = l_pos; i < data.size(); ++i)
            if (data[i] != ' ' && data[i] != '\t') only_blank = false;
          if (only_blank) data.resize(l_pos);
        }
      }
      Emit(Token::Type::kData, data_pos, std::move(data));
      size_t body = tag + 2 + ((sign == '-' || sign == '+') ? 1 : 0);
      if (kind == '#') {
        pos = LexComment(tag, body, &line_starting);
      } else if (kind == '%' && IsRawBegin(body)) {
        pos = LexRaw(tag, body, &line_starting);
      } else {
        pos = LexTag(tag, body, kind == '%', &line_starting);
      }
    }
    tokens_.push_back(Token{Token::Type::kEof, LineOf(src_.size()), ColOf(src_.size()), "", {}});
    return std::move(tokens_);
  }

 private:
  size_t FindTagStart(size_t pos) const {
    while (true) {
      size_t p = src_.find('{', pos);
      if (p == std::string::npos || p + 1 >= src_.size()) return src_.size();
      char c = src_[p + 1];
      if (c == '{' || c == '%' || c == '#') return p;
      pos = p + 1;
    }
  }

  int LineOf(size_t off) {
    // Incremental: offsets are requested in increasing order mostly.
    if (off < line_off_) {
      line_off_ = 0;
      line_no_ = 1;
      line_start_ = 0;
    }
    for (size_t i = line_off_; i < off && i < src_.size(); ++i)
      if (src_[i] == '\n') {
        ++line_no_;
        line_start_ = i + 1;
      }
    line_off_ = off;
    return line_no_;
  }
  int ColOf(size_t off) {
    LineOf(off);
    return static_cast<int>(off - line_start_) + 1;
  }

  void Emit(Token::Type type, size_t off, std::string text) {
    if (type == Token::Type::kData && text.empty()) return;
    int line = LineOf(off);
    tokens_.push_back(Token{type, line, ColOf(off), std::move(text), {}});
  }

  // Python's integers are unbounded, drover's 64-bit: refuse, never round.
  [[noreturn]] void TooLarge(const std::string& literal, size_t off) {
    Fail("integer literal " + literal +
             " does not fit in 64 bits (drover's integers are 64-bit; write it as a float or "
             "a string)",
         off);
  }

  [[noreturn]] void Fail(const std::string& msg, size_t off) {
    int line = LineOf(off);
    throw SyntaxError{msg, line, ColOf(off)};
  }

  // Skips whitespace after a `-` end marker; one newline under trim_blocks.
  size_t AfterEnd(size_t end_pos, char sign, bool trim, bool* line_starting) {
    size_t p = end_pos;
    if (sign == '-') {
      while (p < src_.size() && IsSpace(src_[p])) ++p;
    } else if (sign != '+' && trim && options_.trim_blocks && p < src_.size() && src_[p] == '\n') {
      ++p;
    }
    *line_starting = p > 0 && src_[p - 1] == '\n';
    return p;
  }

  size_t LexComment(size_t tag, size_t body, bool* line_starting) {
    size_t end = src_.find("#}", body);
    if (end == std::string::npos) Fail("Missing end of comment tag", tag);
    char sign = end > body && (src_[end - 1] == '-' || src_[end - 1] == '+') ? src_[end - 1] : 0;
    return AfterEnd(end + 2, sign, true, line_starting);
  }

  // `{% raw %}` with optional -/+ markers.
  bool IsRawBegin(size_t body) const {
    size_t p = body;
    while (p < src_.size() && IsSpace(src_[p])) ++p;
    if (src_.compare(p, 3, "raw") != 0) return false;
    p += 3;
    if (p < src_.size() && IsNameChar(src_[p])) return false;
    while (p < src_.size() && IsSpace(src_[p])) ++p;
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
    return src_.compare(p, 2, "%}") == 0;
  }

  size_t LexRaw(size_t tag, size_t body, bool* line_starting) {
    size_t p = src_.find("%}", body);
    char sign = src_[p - 1] == '-' ? '-' : 0;
    size_t content = AfterEnd(p + 2, sign, false, line_starting);
    // Find {% endraw %}.
    size_t search = content;
    while (true) {
      size_t q = src_.find("{%", search);
      if (q == std::string::npos) Fail("Missing end of raw directive", tag);
      size_t r = q + 2;
      char begin_sign = 0;
      if (r < src_.size() && (src_[r] == '-' || src_[r] == '+')) begin_sign = src_[r++];
      while (r < src_.size() && IsSpace(src_[r])) ++r;
      if (src_.compare(r, 6, "endraw") != 0) {
        search = q + 2;
        continue;
      }
      r += 6;
      while (r < src_.size() && IsSpace(src_[r])) ++r;
      char end_sign = 0;
      if (r < src_.size() && (src_[r] == '-' || src_[r] == '+')) end_sign = src_[r++];
      if (src_.compare(r, 2, "%}") != 0) {
        search = q + 2;
        continue;
      }
      std::string text = src_.substr(content, q - content);
      if (begin_sign != '-' && begin_sign != '+' && options_.lstrip_blocks) {
        size_t nl = text.rfind('\n');
        size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
        if (nl != std::string::npos && text.find_first_not_of(" \t", l_pos) == std::string::npos)
          text.resize(l_pos);
      }
      if (begin_sign == '-') {
        size_t n = text.size();
        while (n > 0 && IsSpace(text[n - 1])) --n;
        text.resize(n);
      }
      Emit(Token::Type::kData, content, std::move(text));
      return AfterEnd(r + 2, end_sign, true, line_starting);
    }
  }

  size_t LexTag(size_t tag, size_t p, bool block, bool* line_starting) {
    Emit(block ? Token::Type::kBlockBegin : Token::Type::kVarBegin, tag, block ? "{%" : "{{");
    const char end_char = block ? '%' : '}';
    int depth = 0;  // bracket nesting, so `}}` inside a dict literal is not the end
    while (true) {
      while (p < src_.size() && IsSpace(src_[p])) ++p;
      if (p >= src_.size()) Fail("unexpected end of template, expected end of tag", tag);
      char c = src_[p];
      // End of tag, with optional -/+ marker.
      if (depth <= 0) {
        size_t q = p;
        char sign = 0;
        if ((c == '-' || c == '+') && q + 1 < src_.size()) {
          sign = c;
          ++q;
        }
        if (src_[q] == end_char && q + 1 < src_.size() && src_[q + 1] == '}') {
          Emit(block ? Token::Type::kBlockEnd : Token::Type::kVarEnd, p, block ? "%}" : "}}");
          return AfterEnd(q + 2, sign, block, line_starting);
        }
      }
      if (IsNameStart(c)) {
        size_t s = p;
        while (p < src_.size() && IsNameChar(src_[p])) ++p;
        Emit(Token::Type::kName, s, src_.substr(s, p - s));
        continue;
      }
      if (IsDigit(c)) {
        p = LexNumber(p);
        continue;
      }
      if (c == '\'' || c == '"') {
        size_t s = p++;
        std::string raw;
        while (p < src_.size() && src_[p] != c) {
          if (src_[p] == '\\' && p + 1 < src_.size()) raw += src_[p++];
          raw += src_[p++];
        }
        if (p >= src_.size()) Fail("unexpected end of string", s);
        ++p;
        if (string_spans_ && !block) string_spans_->emplace_back(s, p);
        std::string decoded;
        try {
          decoded = DecodeEscapes(raw);
        } catch (SyntaxError& e) {
          Fail(e.message, s);
        }
        Emit(Token::Type::kString, s, std::move(decoded));
        continue;
      }
      static const char* const kOps[] = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*",
                                         "/",  "%",  "~",  "(",  ")",  "[",  "]", "{", "}",
                                         ",",  ".",  ":",  "|",  "=",  "<",  ">", ";"};
      bool matched = false;
      for (const char* op : kOps) {
        size_t n = std::strlen(op);
        if (src_.compare(p, n, op) == 0) {
          if (op[0] == '(' || op[0] == '[' || op[0] == '{') ++depth;
          if (op[0] == ')' || op[0] == ']' || op[0] == '}') --depth;
          Emit(Token::Type::kOp, p, op);
          p += n;
          matched = true;
          break;
        }
      }
      if (!matched) Fail(std::string("unexpected char '") + c + "'", p);
    }
  }

  size_t LexNumber(size_t p) {
    size_t s = p;
    auto digits = [&](auto pred) {
      while (p < src_.size() &&
             (pred(src_[p]) || (src_[p] == '_' && p + 1 < src_.size() && pred(src_[p + 1]))))
        ++p;
    };
    auto clean = [](std::string t) {
      std::string o;
      for (char ch : t)
        if (ch != '_') o += ch;
      return o;
    };
    if (src_[p] == '0' && p + 1 < src_.size() &&
        (src_[p + 1] == 'x' || src_[p + 1] == 'X' || src_[p + 1] == 'o' || src_[p + 1] == 'O' ||
         src_[p + 1] == 'b' || src_[p + 1] == 'B')) {
      char k = static_cast<char>(src_[p + 1] | 0x20);
      int base = k == 'x' ? 16 : k == 'o' ? 8 : 2;
      p += 2;
      if (src_[p] == '_') ++p;
      digits([&](char ch) { return HexVal(ch) >= 0 && HexVal(ch) < base; });
      std::string t = clean(src_.substr(s + 2, p - s - 2));
      Token tok{Token::Type::kInt, LineOf(s), ColOf(s), src_.substr(s, p - s), {}};
      errno = 0;
      long long v = std::strtoll(t.c_str(), nullptr, base);
      if (errno == ERANGE) TooLarge(tok.text, s);
      tok.number = Value(static_cast<int64_t>(v));
      tokens_.push_back(std::move(tok));
      return p;
    }
    digits(IsDigit);
    bool is_float = false;
    bool after_dot = s > 0 && src_[s - 1] == '.';
    if (!after_dot && p + 1 < src_.size() && src_[p] == '.' && IsDigit(src_[p + 1])) {
      ++p;
      digits(IsDigit);
      is_float = true;
    }
    if (!after_dot && p < src_.size() && (src_[p] == 'e' || src_[p] == 'E')) {
      size_t q = p + 1;
      if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) ++q;
      if (q < src_.size() && IsDigit(src_[q])) {
        p = q;
        digits(IsDigit);
        is_float = true;
      }
    }
    std::string t = clean(src_.substr(s, p - s));
    Token tok{is_float ? Token::Type::kFloat : Token::Type::kInt, LineOf(s), ColOf(s), t, {}};
    if (is_float) {
      tok.number = Value(std::strtod(t.c_str(), nullptr));
    } else {
      errno = 0;
      long long v = std::strtoll(t.c_str(), nullptr, 10);
      if (errno == ERANGE) TooLarge(t, s);
      tok.number = Value(static_cast<int64_t>(v));
    }
    tokens_.push_back(std::move(tok));
    return p;
  }

 public:
  // When set, records [start, end) of string literals inside {{ }}.
  std::vector<std::pair<size_t, size_t>>* string_spans_ = nullptr;
  const std::string& source() const { return src_; }

 private:
  const Options& options_;
  std::string src_;
  std::vector<Token> tokens_;
  size_t line_off_ = 0;
  int line_no_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view text, const Options& options) {
  return Lexer(text, options).Run();
}

std::string EscapeBackslashesInVariables(std::string_view text, const Options& options) {
  Lexer lexer(text, options);
  std::vector<std::pair<size_t, size_t>> spans;
  lexer.string_spans_ = &spans;
  try {
    lexer.Run();
  } catch (const SyntaxError&) {
    return std::string(text);  // the real parse reports the error
  }
  const std::string& src = lexer.source();
  std::string out;
  size_t last = 0;
  for (auto [b, e] : spans) {
    out.append(src, last, b - last);
    for (size_t i = b; i < e; ++i) {
      out += src[i];
      if (src[i] == '\\') out += '\\';
    }
    last = e;
  }
  out.append(src, last, std::string::npos);
  return out;
}

}  // namespace drover::tmpl
