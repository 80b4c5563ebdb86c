#include "core/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "core/utf8.h"

namespace drover {

std::string PythonFloatRepr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits and exponent, then Python's layout rule:
  // scientific when exponent < -4 or >= 16.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  bool neg = mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  std::string out;
  if (exp < -4 || exp >= 16) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += ebuf;
  } else if (exp < 0) {
    out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else {
    size_t int_len = static_cast<size_t>(exp) + 1;
    if (digits.size() <= int_len) {
      out = digits + std::string(int_len - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, int_len) + "." + digits.substr(int_len);
    }
  }
  return neg ? "-" + out : out;
}

namespace {

void AppendEscaped(std::string& out, std::string_view s, bool ensure_ascii) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (!ensure_ascii) {
      // Bytes that are not UTF-8 become '?', as ansible-inventory writes
      // them: the output stays valid JSON.
      size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        out += '?';
      } else {
        out.append(s.substr(i, len));
        i += len - 1;
      }
    } else {
      // Decode one UTF-8 sequence; invalid bytes are escaped as U+FFFD.
      uint32_t cp = 0xFFFD;
      size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (len > 1 && i + len <= s.size()) {
        cp = c & (0xFF >> (len + 1));
        for (size_t k = 1; k < len; ++k)
          cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += len - 1;
      }
      char buf[16];
      if (cp >= 0x10000) {
        cp -= 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10),
                      0xDC00 + (cp & 0x3FF));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      }
      out += buf;
    }
  }
  out += '"';
}

void Write(std::string& out, const Value& v, const JsonStyle& st, int depth) {
  const bool pretty = st.indent >= 0;
  const std::string item_sep = !st.item_sep.empty() ? st.item_sep : (pretty ? "," : ", ");
  auto newline = [&](int d) {
    out += '\n';
    out.append(static_cast<size_t>(st.indent * d), ' ');
  };
  switch (v.type()) {
    case Value::Type::kNull: out += "null"; return;
    case Value::Type::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Type::kInt: out += std::to_string(v.as_int()); return;
    case Value::Type::kFloat: {
      double d = v.as_float();
      if (std::isnan(d))
        out += "NaN";
      else if (std::isinf(d))
        out += d > 0 ? "Infinity" : "-Infinity";
      else
        out += PythonFloatRepr(d);
      return;
    }
    case Value::Type::kString:
      AppendEscaped(out, v.is_vault() && !v.vault_revealed() ? v.vault_envelope() : v.as_string(),
                    st.ensure_ascii);
      return;
    case Value::Type::kList: {
      const List& l = v.as_list();
      if (l.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) out += item_sep;
        if (pretty) newline(depth + 1);
        Write(out, l[i], st, depth + 1);
      }
      if (pretty) newline(depth);
      out += ']';
      return;
    }
    case Value::Type::kMap: {
      const Map& m = v.as_map();
      if (m.empty()) {
        out += "{}";
        return;
      }
      std::vector<const Map::Entry*> entries;
      for (const auto& e : m) entries.push_back(&e);
      if (st.sort_keys)
        std::stable_sort(entries.begin(), entries.end(),
                         [](auto* a, auto* b) { return a->first < b->first; });
      out += '{';
      bool first = true;
      for (const auto* e : entries) {
        if (!first) out += item_sep;
        first = false;
        if (pretty) newline(depth + 1);
        AppendEscaped(out, e->first, st.ensure_ascii);
        out += st.key_sep;
        Write(out, e->second, st, depth + 1);
      }
      if (pretty) newline(depth);
      out += '}';
      return;
    }
  }
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& source)
      : text_(text), source_(std::make_shared<const std::string>(source)) {}

  Result<Value> ParseDocument() {
    Value v;
    if (!ParseValue(v, 0)) return error_;
    SkipWs();
    if (pos_ != text_.size()) return Fail("extra data after the JSON value");
    return v;
  }

 private:
  Location Here() const {
    int line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Location{source_, line, col};
  }
  Error Fail(const std::string& msg) {
    error_ = MakeError("invalid JSON: " + msg, Here());
    return error_;
  }
  void SkipWs() {
    while (pos_ < text_.size() &&
           std::string_view(" \t\r\n").find(text_[pos_]) != std::string_view::npos)
      ++pos_;
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    return false;
  }
  bool Hex4(uint32_t& cp) {
    if (pos_ + 4 > text_.size()) return false;
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      cp <<= 4;
      if (c >= '0' && c <= '9')
        cp |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        cp |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        cp |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }
  bool ParseString(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(cp)) {
            Fail("bad \\u escape");
            return false;
          }
          if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t lo;
            if (!Hex4(lo)) {
              Fail("bad \\u escape");
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(out, cp);
          break;
        }
        default: Fail("bad escape"); return false;
      }
    }
    Fail("unterminated string");
    return false;
  }
  bool ParseValue(Value& out, int depth) {
    if (depth > 512) {
      Fail("nesting too deep");
      return false;
    }
    SkipWs();
    if (pos_ >= text_.size()) {
      Fail("unexpected end of input");
      return false;
    }
    Location where = Here();
    char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      Map m;
      SkipWs();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        out = Value(std::move(m));
        return true;
      }
      while (true) {
        SkipWs();
        if (pos_ >= text_.size() || text_[pos_] != '"') {
          Fail("expected a string key");
          return false;
        }
        std::string key;
        if (!ParseString(key)) return false;
        SkipWs();
        if (pos_ >= text_.size() || text_[pos_] != ':') {
          Fail("expected ':'");
          return false;
        }
        ++pos_;
        Value item;
        if (!ParseValue(item, depth + 1)) return false;
        m.set(std::move(key), std::move(item));
        SkipWs();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == '}') {
          ++pos_;
          break;
        }
        Fail("expected ',' or '}'");
        return false;
      }
      out = Value(std::move(m));
    } else if (c == '[') {
      ++pos_;
      List l;
      SkipWs();
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        out = Value(std::move(l));
        return true;
      }
      while (true) {
        Value item;
        if (!ParseValue(item, depth + 1)) return false;
        l.push_back(std::move(item));
        SkipWs();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ']') {
          ++pos_;
          break;
        }
        Fail("expected ',' or ']'");
        return false;
      }
      out = Value(std::move(l));
    } else if (c == '"') {
      std::string s;
      if (!ParseString(s)) return false;
      out = Value(std::move(s));
    } else if (Literal("true")) {
      out = Value(true);
    } else if (Literal("false")) {
      out = Value(false);
    } else if (Literal("null")) {
      out = Value();
    } else if (Literal("NaN")) {
      out = Value(std::nan(""));
    } else if (Literal("Infinity")) {
      out = Value(HUGE_VAL);
    } else if (Literal("-Infinity")) {
      out = Value(-HUGE_VAL);
    } else {
      size_t start = pos_;
      bool is_float = false;
      if (text_[pos_] == '-') ++pos_;
      while (pos_ < text_.size()) {
        char d = text_[pos_];
        if (d >= '0' && d <= '9') {
          ++pos_;
          continue;
        }
        if (d == '.' || d == 'e' || d == 'E' || d == '+' || d == '-') {
          is_float = true;
          ++pos_;
          continue;
        }
        break;
      }
      std::string num(text_.substr(start, pos_ - start));
      if (num.empty() || num == "-") {
        Fail("unexpected character");
        return false;
      }
      try {
        if (is_float)
          out = Value(std::stod(num));
        else
          out = Value(static_cast<int64_t>(std::stoll(num)));
      } catch (...) {
        Fail("bad number");
        return false;
      }
    }
    out.set_where(where);
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::shared_ptr<const std::string> source_;
  Error error_;
};

}  // namespace

std::string ToJson(const Value& value, const JsonStyle& style) {
  std::string out;
  Write(out, value, style, 0);
  return out;
}

Result<Value> ParseJson(std::string_view text, const std::string& source) {
  return Parser(text, source).ParseDocument();
}

}  // namespace drover
