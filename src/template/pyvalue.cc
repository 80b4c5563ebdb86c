// Python semantics for values: str(), repr(), ordering, %-formatting,
// str.format(), literal_eval, and UTF-8 helpers.
#include <cmath>
#include <cstdio>

#include "core/json.h"
#include "template/lexer.h"
#include "template/runtime.h"

namespace drover::tmpl {
namespace {

void ReprString(const std::string& s, std::string& out) {
  bool has_single = s.find('\'') != std::string::npos;
  bool has_double = s.find('"') != std::string::npos;
  char q = (has_single && !has_double) ? '"' : '\'';
  out += q;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == static_cast<unsigned char>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      // U+0080..U+009F are not printable.
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i + 1]));
      out += buf;
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
}

void Repr(const Value& v, std::string& out) {
  switch (v.type()) {
    case Value::Type::kNull: out += "None"; return;
    case Value::Type::kBool: out += v.as_bool() ? "True" : "False"; return;
    case Value::Type::kInt: out += std::to_string(v.as_int()); return;
    case Value::Type::kFloat: out += PythonFloatRepr(v.as_float()); return;
    case Value::Type::kString: ReprString(v.as_string(), out); return;
    case Value::Type::kList: {
      out += v.is_tuple() ? '(' : '[';
      bool first = true;
      for (const Value& e : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        Repr(e, out);
      }
      if (v.is_tuple() && v.as_list().size() == 1) out += ',';
      out += v.is_tuple() ? ')' : ']';
      return;
    }
    case Value::Type::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (!first) out += ", ";
        first = false;
        ReprString(k, out);
        out += ": ";
        Repr(e, out);
      }
      out += '}';
      return;
    }
  }
}

// ---- literal_eval ----
class LiteralParser {
 public:
  explicit LiteralParser(std::vector<Token> toks) : t_(std::move(toks)) {}
  std::optional<Value> Run() {
    std::optional<Value> v = Parse();
    if (!v) return std::nullopt;
    if (t_[p_].type == Token::Type::kOp && t_[p_].text == ",") {
      // top-level tuple
      List l{*v};
      while (IsOp(",")) {
        ++p_;
        if (t_[p_].type == Token::Type::kEof) break;
        auto e = Parse();
        if (!e) return std::nullopt;
        l.push_back(*e);
      }
      v = Tuple(std::move(l));
    }
    if (t_[p_].type != Token::Type::kEof) return std::nullopt;
    return v;
  }

 private:
  bool IsOp(std::string_view s) const {
    return t_[p_].type == Token::Type::kOp && t_[p_].text == s;
  }
  std::optional<Value> Parse() {
    const Token& t = t_[p_];
    switch (t.type) {
      case Token::Type::kString: {
        std::string s;
        while (t_[p_].type == Token::Type::kString) s += t_[p_++].text;
        return Value(std::move(s));
      }
      case Token::Type::kInt:
      case Token::Type::kFloat: ++p_; return t.number;
      case Token::Type::kName:
        ++p_;
        if (t.text == "True" || t.text == "true") return Value(true);
        if (t.text == "False" || t.text == "false") return Value(false);
        if (t.text == "None" || t.text == "null") return Value();
        return std::nullopt;
      case Token::Type::kOp: {
        if (t.text == "-" || t.text == "+") {
          ++p_;
          const Token& n = t_[p_];
          if (n.type != Token::Type::kInt && n.type != Token::Type::kFloat) return std::nullopt;
          ++p_;
          if (t.text == "+") return n.number;
          if (n.number.is_int()) return Value(-n.number.as_int());
          return Value(-n.number.as_float());
        }
        if (t.text == "[" || t.text == "(") {
          std::string close = t.text == "[" ? "]" : ")";
          ++p_;
          List l;
          bool saw_comma = false;
          while (!IsOp(close)) {
            if (!l.empty()) {
              if (!IsOp(",")) return std::nullopt;
              ++p_;
              saw_comma = true;
              if (IsOp(close)) break;
            }
            auto e = Parse();
            if (!e) return std::nullopt;
            l.push_back(*e);
          }
          ++p_;
          if (close == ")" && l.size() == 1 && !saw_comma) return l[0];
          if (close == ")") return Tuple(std::move(l));
          return Value(std::move(l));
        }
        if (t.text == "{") {
          ++p_;
          Map m;
          bool first = true;
          while (!IsOp("}")) {
            if (!first) {
              if (!IsOp(",")) return std::nullopt;
              ++p_;
              if (IsOp("}")) break;
            }
            first = false;
            auto k = Parse();
            if (!k || !IsOp(":")) return std::nullopt;
            ++p_;
            auto v = Parse();
            if (!v) return std::nullopt;
            // Keys: strings as they are; other scalars by str() (lossy, but
            // Value maps are string-keyed).
            m.set(k->is_string() ? k->as_string() : PyStr(*k), *v);
          }
          ++p_;
          return Value(std::move(m));
        }
        return std::nullopt;
      }
      default: return std::nullopt;
    }
  }
  std::vector<Token> t_;
  size_t p_ = 0;
};

}  // namespace

std::string PyRepr(const Value& v) {
  std::string out;
  Repr(v, out);
  return out;
}

std::string PyStr(const Value& v) {
  switch (v.type()) {
    case Value::Type::kString: return v.as_string();
    case Value::Type::kInt: return std::to_string(v.as_int());
    case Value::Type::kNull: return "None";
    default: return PyRepr(v);
  }
}

std::string PyReplace(const std::string& s, const std::string& old, const std::string& neu,
                      int64_t count) {
  std::string o;
  int64_t done = 0;
  if (old.empty()) {
    // Python inserts `new` before every character and at the end.
    for (auto& c : Utf8Chars(s)) {
      if (count < 0 || done < count) {
        o += neu;
        ++done;
      }
      o += c;
    }
    if (count < 0 || done < count) o += neu;
    return o;
  }
  size_t start = 0;
  while (count < 0 || done < count) {
    size_t p = s.find(old, start);
    if (p == std::string::npos) break;
    o += s.substr(start, p - start) + neu;
    start = p + old.size();
    ++done;
  }
  o += s.substr(start);
  return o;
}

std::optional<Value> LiteralEval(std::string_view text) {
  // Python's literal_eval strips leading spaces/tabs only.
  size_t s = 0;
  while (s < text.size() && (text[s] == ' ' || text[s] == '\t')) ++s;
  // The literal is tokenized as an expression inside "{{ ... }}": split
  // closing-brace pairs outside string literals ("}}" -> "} }"), which
  // changes nothing in a Python literal but keeps the lexer's "}}" unseen.
  std::string inner;
  {
    char quote = 0;
    std::string_view rest = text.substr(s);
    for (size_t i = 0; i < rest.size(); ++i) {
      char c = rest[i];
      inner += c;
      if (quote) {
        if (c == '\\' && i + 1 < rest.size())
          inner += rest[++i];
        else if (c == quote)
          quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if ((c == '}' || c == '%') && i + 1 < rest.size() && rest[i + 1] == '}') {
        inner += ' ';
      }
    }
  }
  try {
    Options o;
    o.trim_blocks = false;
    o.keep_trailing_newline = true;
    std::vector<Token> toks = Tokenize("{{ " + inner + " }}", o);
    std::vector<Token> inner_toks;
    for (auto& t : toks) {
      if (t.type == Token::Type::kVarBegin || t.type == Token::Type::kVarEnd) continue;
      if (t.type == Token::Type::kData) return std::nullopt;
      inner_toks.push_back(std::move(t));
    }
    return LiteralParser(std::move(inner_toks)).Run();
  } catch (const SyntaxError&) {
    return std::nullopt;
  }
}

std::string PyStrOf(const TVal& t) {
  if (t.undefined() && t.lenient) return "";
  if (t.undefined()) t.RaiseUndefined();
  if (t.is_obj()) return t.obj->Str();
  return PyStr(t.v);
}

bool IsPyInt(const Value& v) {
  return v.is_int() || v.is_bool();
}
int64_t PyInt(const Value& v) {
  return v.is_bool() ? (v.as_bool() ? 1 : 0) : v.as_int();
}

static bool IsPyNumber(const Value& v) {
  return v.is_number() || v.is_bool();
}
static double PyNum(const Value& v) {
  return v.is_float() ? v.as_float() : double(PyInt(v));
}

int PyCompare(const Value& a, const Value& b) {
  if (IsPyNumber(a) && IsPyNumber(b)) {
    if (IsPyInt(a) && IsPyInt(b)) {
      int64_t x = PyInt(a), y = PyInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    double x = PyNum(a), y = PyNum(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is_list() && b.is_list()) {
    const List& x = a.as_list();
    const List& y = b.as_list();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (x[i] == y[i]) continue;
      return PyCompare(x[i], y[i]);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  auto tn = [](const Value& v) {
    std::string_view n = v.type_name();
    return std::string("'") + std::string(n) + "'";
  };
  Fail("'<' not supported between instances of " + tn(a) + " and " + tn(b));
}

bool PyLess(const Value& a, const Value& b) {
  return PyCompare(a, b) < 0;
}

bool PyIsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string PyStrip(std::string_view s, const std::string* chars, bool left, bool right) {
  auto strip_char = [&](char c) {
    return chars ? chars->find(c) != std::string::npos : PyIsSpace(c);
  };
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && strip_char(s[b])) ++b;
  if (right)
    while (e > b && strip_char(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::vector<std::string> Utf8Chars(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

namespace {
// Simple case mapping for ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic (the scripts config files use); other code points unchanged.
char32_t ToUpperCp(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c < 0x80) return c;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 0x20;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 0) : (c % 2 == 1)) return c - 1;
    return c;
  }
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 0x20;
  if (c == 0x3C2) return 0x3A3;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}
char32_t ToLowerCp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 0x20;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}
std::string MapCase(std::string_view s, char32_t (*fn)(char32_t)) {
  std::string o;
  o.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      o += static_cast<char>(fn(c));
      ++i;
      continue;
    }
    size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    if (i + n > s.size()) n = s.size() - i;
    char32_t cp = n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    char32_t m = fn(cp);
    if (m == cp) {
      o.append(s.substr(i, n));
    } else if (m < 0x800) {
      o += static_cast<char>(0xC0 | (m >> 6));
      o += static_cast<char>(0x80 | (m & 0x3F));
    } else {
      o += static_cast<char>(0xE0 | (m >> 12));
      o += static_cast<char>(0x80 | ((m >> 6) & 0x3F));
      o += static_cast<char>(0x80 | (m & 0x3F));
    }
    i += n;
  }
  return o;
}
}  // namespace

std::string PyUpper(std::string_view s) {
  return MapCase(s, ToUpperCp);
}
std::string PyLower(std::string_view s) {
  return MapCase(s, ToLowerCp);
}

List PyIter(const Value& v) {
  switch (v.type()) {
    case Value::Type::kList: return v.as_list();
    case Value::Type::kMap: {
      List l;
      for (const auto& [k, e] : v.as_map()) l.emplace_back(k);
      return l;
    }
    case Value::Type::kString: {
      List l;
      for (auto& c : Utf8Chars(v.as_string())) l.emplace_back(c);
      return l;
    }
    default: Fail("'" + std::string(v.type_name()) + "' object is not iterable");
  }
}

// ---- formatting ----

namespace {

struct Spec {
  std::string flags;
  int width = -1;
  int precision = -1;
  char type = 0;
};

std::string FormatOne(const Value& v, const Spec& sp) {
  std::string body;
  char t = sp.type;
  if (t == 's' || t == 0) {
    body = PyStr(v);
    if (sp.precision >= 0 && static_cast<size_t>(sp.precision) < body.size())
      body.resize(static_cast<size_t>(sp.precision));
  } else if (t == 'r' || t == 'a') {
    body = PyRepr(v);
  } else {
    if (!IsPyNumber(v)) {
      Fail(std::string("%") + t + " format: a real number is required, not " +
           std::string(v.type_name()));
    }
    std::string f = "%";
    for (char c : sp.flags)
      if (c != '-' && c != '0') f += c;
    if (sp.precision >= 0) f += "." + std::to_string(sp.precision);
    char buf[512];
    if (t == 'd' || t == 'i' || t == 'u') {
      int64_t n = v.is_float() ? static_cast<int64_t>(v.as_float()) : PyInt(v);
      std::snprintf(buf, sizeof buf, (f + "lld").c_str(), static_cast<long long>(n));
    } else if (t == 'x' || t == 'X' || t == 'o') {
      if (v.is_float()) Fail(std::string("%") + t + " format: an integer is required, not float");
      int64_t n = PyInt(v);
      std::string s;
      if (n < 0) s = "-";
      std::snprintf(buf, sizeof buf, (f + "ll" + t).c_str(),
                    static_cast<unsigned long long>(n < 0 ? -n : n));
      s += buf;
      if (sp.flags.find('#') != std::string::npos && t == 'o') {
        // Python: 0o prefix
        size_t z = s.find('0');
        if (z != std::string::npos) s.replace(z, 1, "0o");
      }
      std::snprintf(buf, sizeof buf, "%s", s.c_str());
    } else if (t == 'f' || t == 'F' || t == 'e' || t == 'E' || t == 'g' || t == 'G') {
      std::snprintf(buf, sizeof buf, (f + t).c_str(), PyNum(v));
    } else if (t == 'c') {
      std::snprintf(buf, sizeof buf, "%c", static_cast<char>(PyInt(v)));
    } else {
      Fail(std::string("unsupported format character '") + t + "'");
    }
    body = buf;
  }
  if (sp.width > 0 && static_cast<int>(Utf8Length(body)) < sp.width) {
    size_t pad = static_cast<size_t>(sp.width) - Utf8Length(body);
    if (sp.flags.find('-') != std::string::npos) {
      body += std::string(pad, ' ');
    } else if (sp.flags.find('0') != std::string::npos && t != 's' && t != 'r' && t != 0) {
      size_t sign = (!body.empty() && (body[0] == '-' || body[0] == '+')) ? 1 : 0;
      body.insert(sign, std::string(pad, '0'));
    } else {
      body.insert(0, std::string(pad, ' '));
    }
  }
  return body;
}

}  // namespace

Value PyPercentFormat(const std::string& fmt, const Value& args) {
  std::string out;
  size_t argi = 0;
  const bool is_tuple = args.is_list() && args.is_tuple();
  const bool is_map = args.is_map();
  auto next_arg = [&]() -> Value {
    if (!is_tuple) {
      if (argi++ == 0) return args;
      Fail("not enough arguments for format string");
    }
    if (argi >= args.as_list().size()) Fail("not enough arguments for format string");
    return args.as_list()[argi++];
  };
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    ++i;
    if (i >= fmt.size()) Fail("incomplete format");
    if (fmt[i] == '%') {
      out += '%';
      continue;
    }
    Spec sp;
    Value mapped;
    bool have_mapped = false;
    if (fmt[i] == '(') {
      size_t close = fmt.find(')', i);
      if (close == std::string::npos) Fail("incomplete format key");
      std::string key = fmt.substr(i + 1, close - i - 1);
      if (!is_map) Fail("format requires a mapping");
      const Value* f = args.as_map().find(key);
      if (!f) Fail("'" + key + "'");
      mapped = *f;
      have_mapped = true;
      i = close + 1;
    }
    while (i < fmt.size() && std::string_view("-+ #0").find(fmt[i]) != std::string_view::npos)
      sp.flags += fmt[i++];
    if (i < fmt.size() && fmt[i] == '*') {
      sp.width = static_cast<int>(PyInt(next_arg()));
      ++i;
    } else {
      while (i < fmt.size() && isdigit(static_cast<unsigned char>(fmt[i])))
        sp.width = (sp.width < 0 ? 0 : sp.width * 10) + (fmt[i++] - '0');
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      sp.precision = 0;
      while (i < fmt.size() && isdigit(static_cast<unsigned char>(fmt[i])))
        sp.precision = sp.precision * 10 + (fmt[i++] - '0');
    }
    while (i < fmt.size() && (fmt[i] == 'l' || fmt[i] == 'h' || fmt[i] == 'L')) ++i;
    if (i >= fmt.size()) Fail("incomplete format");
    sp.type = fmt[i];
    out += FormatOne(have_mapped ? mapped : next_arg(), sp);
  }
  if (is_tuple && argi < args.as_list().size())
    Fail("not all arguments converted during string formatting");
  return Value(std::move(out));
}

// Python's format-spec mini language for one value:
// [[fill]align][sign][#][0][width][,][.prec][type]
std::string PyFormatNumber(const Value& v, std::string_view spec) {
  char fill = ' ', align = 0, sign = '-';
  size_t i = 0;
  if (spec.size() >= 2 && std::string_view("<>^=").find(spec[1]) != std::string_view::npos) {
    fill = spec[0];
    align = spec[1];
    i = 2;
  } else if (!spec.empty() && std::string_view("<>^=").find(spec[0]) != std::string_view::npos) {
    align = spec[0];
    i = 1;
  }
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) sign = spec[i++];
  bool alt = false;
  if (i < spec.size() && spec[i] == '#') {
    alt = true;
    ++i;
  }
  if (i < spec.size() && spec[i] == '0') {
    if (!align) {
      fill = '0';
      align = '=';
    }
    ++i;
  }
  int width = 0;
  while (i < spec.size() && isdigit(static_cast<unsigned char>(spec[i])))
    width = width * 10 + (spec[i++] - '0');
  bool comma = false;
  if (i < spec.size() && (spec[i] == ',' || spec[i] == '_')) {
    comma = true;
    ++i;
  }
  int prec = -1;
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    prec = 0;
    while (i < spec.size() && isdigit(static_cast<unsigned char>(spec[i])))
      prec = prec * 10 + (spec[i++] - '0');
  }
  char type = i < spec.size() ? spec[i] : 0;
  std::string body;
  bool numeric = IsPyNumber(v) && type != 's';
  if (!numeric) {
    if (type != 0 && type != 's')
      Fail("Unknown format code '" + std::string(1, type) + "' for object of type '" +
           std::string(v.type_name()) + "'");
    body = PyStr(v);
    if (prec >= 0 && static_cast<size_t>(prec) < body.size())
      body.resize(static_cast<size_t>(prec));
    if (!align) align = '<';
  } else {
    bool neg = false;
    char buf[512];
    if (type == 0 && IsPyInt(v)) type = 'd';
    if (type == 'd' || type == 'x' || type == 'X' || type == 'o' || type == 'b') {
      if (!IsPyInt(v))
        Fail("Unknown format code '" + std::string(1, type) + "' for object of type 'float'");
      int64_t n = PyInt(v);
      neg = n < 0;
      uint64_t u = static_cast<uint64_t>(neg ? -n : n);
      if (type == 'b') {
        std::string s;
        do {
          s.insert(s.begin(), static_cast<char>('0' + (u & 1)));
          u >>= 1;
        } while (u);
        body = s;
      } else {
        std::snprintf(buf, sizeof buf,
                      type == 'd'   ? "%llu"
                      : type == 'x' ? "%llx"
                      : type == 'X' ? "%llX"
                                    : "%llo",
                      static_cast<unsigned long long>(u));
        body = buf;
      }
      if (alt && type != 'd') body = std::string("0") + type + body;
    } else {
      double d = PyNum(v);
      neg = std::signbit(d);
      d = std::fabs(d);
      if (type == 0) {
        body = prec >= 0 ? (std::snprintf(buf, sizeof buf, "%.*g", prec == 0 ? 1 : prec, d),
                            std::string(buf))
                         : PythonFloatRepr(d);
      } else if (type == '%') {
        std::snprintf(buf, sizeof buf, "%.*f", prec < 0 ? 6 : prec, d * 100);
        body = std::string(buf) + "%";
      } else {
        std::string f = "%.*";
        f += type;
        std::snprintf(buf, sizeof buf, f.c_str(), prec < 0 ? 6 : prec, d);
        body = buf;
      }
    }
    if (comma) {
      size_t end = body.find_first_of(".eE%");
      if (end == std::string::npos) end = body.size();
      for (int p = static_cast<int>(end) - 3; p > 0; p -= 3)
        body.insert(static_cast<size_t>(p), ",");
    }
    std::string sgn = neg ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
    if (align == '=') {
      while (static_cast<int>(sgn.size() + body.size()) < width) body.insert(body.begin(), fill);
      return sgn + body;
    }
    body = sgn + body;
    if (!align) align = '>';
  }
  int len = static_cast<int>(Utf8Length(body));
  if (len < width) {
    int pad = width - len;
    if (align == '<')
      body += std::string(static_cast<size_t>(pad), fill);
    else if (align == '>')
      body.insert(0, std::string(static_cast<size_t>(pad), fill));
    else if (align == '^') {
      body.insert(0, std::string(static_cast<size_t>(pad / 2), fill));
      body += std::string(static_cast<size_t>(pad - pad / 2), fill);
    }
  }
  return body;
}

std::string PyFormatMethod(const std::string& fmt, const CallArgs& args) {
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
        out += '{';
        ++i;
        continue;
      }
      size_t close = fmt.find('}', i);
      if (close == std::string::npos) Fail("Single '{' encountered in format string");
      std::string field = fmt.substr(i + 1, close - i - 1);
      std::string spec;
      size_t colon = field.find(':');
      if (colon != std::string::npos) {
        spec = field.substr(colon + 1);
        field = field.substr(0, colon);
      }
      bool repr = false;
      if (field.size() >= 2 && field[field.size() - 2] == '!') {
        repr = field.back() == 'r';
        field.resize(field.size() - 2);
      }
      // field: "", number, or name, optionally followed by .attr / [key]
      std::string head = field;
      std::string rest;
      size_t cut = field.find_first_of(".[");
      if (cut != std::string::npos) {
        head = field.substr(0, cut);
        rest = field.substr(cut);
      }
      Value v;
      if (head.empty()) {
        if (auto_index >= args.pos.size())
          Fail("Replacement index " + std::to_string(auto_index) +
               " out of range for positional args tuple");
        v = args.pos[auto_index++].val();
      } else if (isdigit(static_cast<unsigned char>(head[0]))) {
        size_t idx = std::stoul(head);
        if (idx >= args.pos.size())
          Fail("Replacement index " + head + " out of range for positional args tuple");
        v = args.pos[idx].val();
      } else {
        bool found = false;
        for (auto& [k, kv] : args.kw)
          if (k == head) {
            v = kv.val();
            found = true;
          }
        if (!found) Fail("'" + head + "'");
      }
      while (!rest.empty()) {
        if (rest[0] == '.') {
          size_t e = rest.find_first_of(".[", 1);
          std::string a = rest.substr(1, e == std::string::npos ? std::string::npos : e - 1);
          rest = e == std::string::npos ? "" : rest.substr(e);
          Fail("'" + std::string(v.type_name()) + "' object has no attribute '" + a + "'");
          v = *v.as_map().find(a);
        } else {
          size_t e = rest.find(']');
          std::string k = rest.substr(1, e - 1);
          rest = rest.substr(e + 1);
          if (v.is_list()) {
            v = v.as_list().at(std::stoul(k));
          } else if (v.is_map() && v.as_map().find(k)) {
            v = *v.as_map().find(k);
          } else {
            Fail("'" + k + "'");
          }
        }
      }
      if (repr) v = Value(PyRepr(v));
      out += PyFormatNumber(v, spec);
      i = close;
    } else if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}')
        ++i;
      else
        Fail("Single '}' encountered in format string");
      out += '}';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace drover::tmpl
