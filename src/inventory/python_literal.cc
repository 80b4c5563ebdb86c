#include "inventory/python_literal.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace drover::inventory {
namespace {

class LiteralParser {
 public:
  explicit LiteralParser(std::string_view text) : s_(text) {}

  std::optional<Value> ParseAll() {
    std::optional<Value> v = ParseExpr();
    if (!v) return std::nullopt;
    SkipSpace();
    if (pos_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') {
        pos_ += 2;
      } else {
        break;
      }
    }
  }

  bool Peek(char c) {
    SkipSpace();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  std::optional<Value> ParseExpr() {
    SkipSpace();
    if (pos_ >= s_.size()) return std::nullopt;
    char c = s_[pos_];
    if (c == '+' || c == '-') {
      ++pos_;
      std::optional<Value> operand = ParseExpr();
      // Python allows unary +/- only on numeric constants (and bools, which
      // are ints).
      if (!operand || !(operand->is_number() || operand->is_bool())) return std::nullopt;
      if (c == '+') {
        if (operand->is_bool()) return Value(static_cast<int64_t>(operand->as_bool()));
        return operand;
      }
      if (operand->is_float()) return Value(-operand->as_float());
      if (operand->is_bool()) return Value(-static_cast<int64_t>(operand->as_bool()));
      return Value(-operand->as_int());
    }
    if (c == '[') return ParseSequence('[', ']', false);
    if (c == '(') return ParseSequence('(', ')', true);
    if (c == '{') return ParseDict();
    if (c == '"' || c == '\'' || IsStringPrefix()) return ParseStrings();
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && pos_ + 1 < s_.size() &&
         std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))) {
      return ParseNumber();
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos_;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
        ++pos_;
      }
      std::string_view word = s_.substr(start, pos_ - start);
      if (word == "True") return Value(true);
      if (word == "False") return Value(false);
      if (word == "None") return Value();
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<Value> ParseSequence(char open, char close, bool tuple) {
    Eat(open);
    List items;
    bool saw_comma = false;
    while (!Peek(close)) {
      std::optional<Value> item = ParseExpr();
      if (!item) return std::nullopt;
      items.push_back(std::move(*item));
      if (Eat(',')) {
        saw_comma = true;
        continue;
      }
      if (!Peek(close)) return std::nullopt;
    }
    Eat(close);
    // (x) is just x; (x,) and () are tuples.
    if (tuple && items.size() == 1 && !saw_comma) return items[0];
    return Value(std::move(items));
  }

  std::optional<Value> ParseDict() {
    Eat('{');
    Map map;
    while (!Peek('}')) {
      std::optional<Value> key = ParseExpr();
      if (!key || !Eat(':')) return std::nullopt;  // a set literal or garbage
      std::optional<Value> value = ParseExpr();
      if (!value) return std::nullopt;
      std::string k;
      if (key->is_string()) {
        k = key->as_string();
      } else if (key->is_bool()) {
        k = key->as_bool() ? "True" : "False";
      } else if (key->is_int()) {
        k = std::to_string(key->as_int());
      } else {
        return std::nullopt;  // keys drover's Map cannot hold
      }
      map.set(std::move(k), std::move(*value));
      if (!Eat(',') && !Peek('}')) return std::nullopt;
    }
    Eat('}');
    return Value(std::move(map));
  }

  bool IsStringPrefix() {
    size_t p = pos_;
    size_t n = 0;
    while (p < s_.size() && n < 2 && std::strchr("rRbBuU", s_[p]) != nullptr && s_[p] != '\0') {
      ++p;
      ++n;
    }
    return n > 0 && p < s_.size() && (s_[p] == '\'' || s_[p] == '"');
  }

  std::optional<Value> ParseStrings() {
    std::string out;
    bool any = false;
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size()) break;
      if (!(s_[pos_] == '"' || s_[pos_] == '\'' || IsStringPrefix())) break;
      if (!ParseOneString(&out)) return std::nullopt;
      any = true;
    }
    if (!any) return std::nullopt;
    return Value(std::move(out));
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool ParseOneString(std::string* out) {
    bool raw = false;
    bool bytes = false;
    while (s_[pos_] != '\'' && s_[pos_] != '"') {
      char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[pos_])));
      if (p == 'r') raw = true;
      if (p == 'b') bytes = true;
      ++pos_;
    }
    const char q = s_[pos_];
    const bool triple = s_.substr(pos_, 3) == std::string(3, q);
    pos_ += triple ? 3 : 1;
    for (;;) {
      if (pos_ >= s_.size()) return false;
      char c = s_[pos_];
      if (triple ? s_.substr(pos_, 3) == std::string(3, q) : c == q) {
        pos_ += triple ? 3 : 1;
        return true;
      }
      if (c == '\n' && !triple) return false;
      if (c != '\\') {
        if (bytes && static_cast<unsigned char>(c) >= 0x80) return false;
        *out += c;
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= s_.size()) return false;
      char e = s_[pos_ + 1];
      if (raw) {
        *out += c;
        *out += e;
        pos_ += 2;
        continue;
      }
      pos_ += 2;
      switch (e) {
        case '\n': break;
        case '\\': *out += '\\'; break;
        case '\'': *out += '\''; break;
        case '"': *out += '"'; break;
        case 'a': *out += '\a'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'v': *out += '\v'; break;
        case 'x':
        case 'u':
        case 'U': {
          if (bytes && e != 'x') {
            *out += '\\';
            *out += e;
            break;
          }
          size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (pos_ + digits > s_.size()) return false;
          uint32_t cp = 0;
          for (size_t i = 0; i < digits; ++i) {
            char h = s_[pos_ + i];
            if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
            cp = cp * 16 + (std::isdigit(static_cast<unsigned char>(h))
                                ? h - '0'
                                : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
          }
          if (cp > 0x10FFFF) return false;
          pos_ += digits;
          AppendUtf8(out, cp);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            uint32_t cp = e - '0';
            for (int i = 0; i < 2 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7'; ++i) {
              cp = cp * 8 + (s_[pos_++] - '0');
            }
            AppendUtf8(out, cp);
          } else {
            *out += '\\';
            *out += e;
          }
      }
    }
  }

  std::optional<Value> ParseNumber() {
    size_t start = pos_;
    auto digits_with_underscores = [&](auto is_digit) {
      size_t begin = pos_;
      while (pos_ < s_.size() && (is_digit(s_[pos_]) || s_[pos_] == '_')) {
        if (s_[pos_] == '_' && (pos_ == begin || s_[pos_ - 1] == '_' || pos_ + 1 >= s_.size() ||
                                !is_digit(s_[pos_ + 1]))) {
          return false;
        }
        ++pos_;
      }
      return pos_ > begin;
    };
    auto dec = [](char c) { return c >= '0' && c <= '9'; };
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() && std::strchr("xXoObB", s_[pos_ + 1]) &&
        s_[pos_ + 1] != '\0') {
      char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[pos_ + 1])));
      pos_ += 2;
      if (pos_ < s_.size() && s_[pos_] == '_') ++pos_;
      int base = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
      auto is_digit = [base](char c) {
        if (base == 16) return std::isxdigit(static_cast<unsigned char>(c)) != 0;
        if (base == 8) return c >= '0' && c <= '7';
        return c == '0' || c == '1';
      };
      size_t begin = pos_;
      if (!digits_with_underscores(is_digit)) return std::nullopt;
      if (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])))) {
        return std::nullopt;
      }
      std::string clean;
      for (size_t i = begin; i < pos_; ++i) {
        if (s_[i] != '_') clean += s_[i];
      }
      errno = 0;
      unsigned long long v = std::strtoull(clean.c_str(), nullptr, base);
      if (errno != 0 || v > static_cast<unsigned long long>(INT64_MAX)) return std::nullopt;
      return Value(static_cast<int64_t>(v));
    }
    bool is_float = false;
    if (s_[pos_] != '.') {
      if (!digits_with_underscores(dec)) return std::nullopt;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      is_float = true;
      ++pos_;
      if (pos_ < s_.size() && dec(s_[pos_]) && !digits_with_underscores(dec)) return std::nullopt;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      is_float = true;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits_with_underscores(dec)) return std::nullopt;
    }
    // 1j (complex) and 1abc are not representable / not literals.
    if (pos_ < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
      return std::nullopt;
    }
    std::string clean;
    for (size_t i = start; i < pos_; ++i) {
      if (s_[i] != '_') clean += s_[i];
    }
    if (is_float) return Value(std::strtod(clean.c_str(), nullptr));
    // Python 3 rejects leading zeros in non-zero decimal ints ("0755").
    if (clean.size() > 1 && clean[0] == '0' && clean.find_first_not_of('0') != std::string::npos) {
      return std::nullopt;
    }
    errno = 0;
    long long v = std::strtoll(clean.c_str(), nullptr, 10);
    if (errno != 0) return std::nullopt;
    return Value(static_cast<int64_t>(v));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<Value> ParsePythonLiteral(std::string_view text) {
  // literal_eval strips leading spaces and tabs.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return LiteralParser(text).ParseAll();
}

Value ParseIniValue(std::string_view text) {
  if (std::optional<Value> v = ParsePythonLiteral(text)) return std::move(*v);
  return Value(std::string(text));
}

}  // namespace drover::inventory
