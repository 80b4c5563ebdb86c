// Jinja2's builtin filters (3.1 semantics; generators are unrolled to lists
// as Ansible's filter wrapper does).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/json.h"
#include "template/regex.h"
#include "template/runtime.h"

namespace drover::tmpl {

std::string HtmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&#34;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

namespace {

// ---- argument helpers ----
const TVal* A(const CallArgs& a, size_t i, std::string_view name) {
  return a.Get(i, name);
}
bool BoolArg(const CallArgs& a, size_t i, std::string_view name, bool dflt) {
  const TVal* t = a.Get(i, name);
  return t ? t->val().truthy() : dflt;
}
int64_t IntArg(const CallArgs& a, size_t i, std::string_view name, int64_t dflt) {
  const TVal* t = a.Get(i, name);
  if (!t || t->val().is_null()) return dflt;
  if (IsPyInt(t->v)) return PyInt(t->v);
  if (t->v.is_float()) return static_cast<int64_t>(t->v.as_float());
  Fail("'" + std::string(t->v.type_name()) + "' object cannot be interpreted as an integer");
}
std::string StrArg(const CallArgs& a, size_t i, std::string_view name, std::string dflt) {
  const TVal* t = a.Get(i, name);
  return t ? PyStrOf(*t) : dflt;
}
const Value& Req(const CallArgs& a, size_t i, std::string_view name, std::string_view filter) {
  const TVal* t = a.Get(i, name);
  if (!t) Fail(std::string(filter) + "() missing required argument: '" + std::string(name) + "'");
  return t->val();
}

// Jinja's make_attrgetter: "a.b.0" looks up item by item.
TVal GetPath(Renderer& r, const Value& item, const Value& attribute) {
  TVal cur = item;
  if (IsPyInt(attribute)) return r.GetItem(cur, attribute);
  std::string path = PyStr(attribute);
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool digits = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
    if (digits)
      cur = r.GetItem(cur, Value(static_cast<int64_t>(std::stoll(part))));
    else
      cur = r.GetItem(cur, Value(part));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

Value IgnoreCase(const Value& v) {
  if (v.is_string()) return Value(PyLower(v.as_string()));
  return v;
}

List Items(const TVal& t) {
  return PyIter(t.val());
}

// ---- filters ----

TVal FAbs(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (IsPyInt(v)) {
    if (PyInt(v) == INT64_MIN)
      Fail("integer overflow: abs(" + PyStr(v) + ") does not fit in 64 bits");
    return Value(std::abs(PyInt(v)));
  }
  if (v.is_float()) return Value(std::fabs(v.as_float()));
  Fail("bad operand type for abs(): '" + std::string(v.type_name()) + "'");
}

TVal FAttr(Renderer& r, const TVal& in, CallArgs& a) {
  std::string name = StrArg(a, 0, "name", "");
  if (in.is_obj()) return r.GetAttr(in, name);
  const Value& v = in.val();
  if (auto m = BoundMethod(v, name)) return TVal::Obj(m);
  return TVal::Undefined("'" + std::string(v.type_name()) + " object' has no attribute '" + name +
                         "'");
}

TVal FBatch(Renderer&, const TVal& in, CallArgs& a) {
  int64_t n = IntArg(a, 0, "linecount", 1);
  if (n <= 0) Fail("batch size must be positive");
  const TVal* fill = A(a, 1, "fill_with");
  List out, cur;
  for (const Value& x : Items(in)) {
    if (static_cast<int64_t>(cur.size()) == n) {
      out.emplace_back(std::move(cur));
      cur = List();
    }
    cur.push_back(x);
  }
  if (!cur.empty()) {
    if (fill && !fill->val().is_null())
      while (static_cast<int64_t>(cur.size()) < n) cur.push_back(fill->v);
    out.emplace_back(std::move(cur));
  }
  return Value(std::move(out));
}

TVal FCapitalize(Renderer&, const TVal& in, CallArgs&) {
  std::string s = PyLower(PyStrOf(in));
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
  return Value(s);
}

TVal FCenter(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = PyStrOf(in);
  int64_t width = IntArg(a, 0, "width", 80);
  int64_t len = static_cast<int64_t>(Utf8Length(s));
  if (width <= len) return Value(s);
  int64_t pad = width - len;
  int64_t left = pad / 2 + (pad & width & 1);
  return Value(std::string(static_cast<size_t>(left), ' ') + s +
               std::string(static_cast<size_t>(pad - left), ' '));
}

TVal FDefault(Renderer&, const TVal& in, CallArgs& a) {
  const TVal* d = A(a, 0, "default_value");
  bool boolean = BoolArg(a, 1, "boolean", false);
  if (in.undefined() || (boolean && !(in.is_obj() || in.v.truthy())))
    return d ? *d : TVal(Value(""));
  return in;
}

TVal FDictsort(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  if (!v.is_map()) Fail("dictsort: expected a dict, got " + std::string(v.type_name()));
  bool cs = BoolArg(a, 0, "case_sensitive", false);
  std::string by = StrArg(a, 1, "by", "key");
  bool rev = BoolArg(a, 2, "reverse", false);
  if (by != "key" && by != "value") Fail("You can only sort by either \"key\" or \"value\"");
  List items;
  for (auto& [k, x] : v.as_map()) items.push_back(Tuple(List{Value(k), x}));
  size_t pos = by == "key" ? 0 : 1;
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    Value kx = x.as_list()[pos], ky = y.as_list()[pos];
    if (!cs) {
      kx = IgnoreCase(kx);
      ky = IgnoreCase(ky);
    }
    return rev ? PyLess(ky, kx) : PyLess(kx, ky);
  });
  return Value(std::move(items));
}

TVal FEscape(Renderer&, const TVal& in, CallArgs&) {
  if (in.markup) return in;  // already escaped
  return TVal::Markup(HtmlEscape(PyStrOf(in)));
}

TVal FForceescape(Renderer&, const TVal& in, CallArgs&) {
  return TVal::Markup(HtmlEscape(PyStrOf(in)));
}

TVal FFirst(Renderer&, const TVal& in, CallArgs&) {
  List l = Items(in);
  if (l.empty()) return TVal::Undefined("No first item, sequence was empty.");
  return l.front();
}

TVal FLast(Renderer&, const TVal& in, CallArgs&) {
  List l = Items(in);
  if (l.empty()) return TVal::Undefined("No last item, sequence was empty.");
  return l.back();
}

std::optional<double> ParsePyFloat(std::string s) {
  s = PyStrip(s, nullptr, true, true);
  std::string t;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i > 0 && i + 1 < s.size() && isdigit(static_cast<unsigned char>(s[i - 1])) &&
        isdigit(static_cast<unsigned char>(s[i + 1])))
      continue;
    t += s[i];
  }
  if (t.empty()) return std::nullopt;
  std::string low = PyLower(t);
  std::string_view body = low;
  bool neg = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "inf" || body == "infinity") return neg ? -INFINITY : INFINITY;
  if (body == "nan") return NAN;
  for (char c : body)
    if (!(isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == '-' || c == '+'))
      return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return d;
}

TVal FFloat(Renderer&, const TVal& in, CallArgs& a) {
  const TVal* d = A(a, 0, "default");
  Value dflt = d ? d->val() : Value(0.0);
  const Value& v = in.val();
  if (v.is_float()) return v;
  if (IsPyInt(v)) return Value(static_cast<double>(PyInt(v)));
  if (v.is_string()) {
    if (auto f = ParsePyFloat(v.as_string())) return Value(*f);
  }
  return dflt;
}

std::optional<int64_t> ParsePyInt(std::string s, int base) {
  s = PyStrip(s, nullptr, true, true);
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  std::string digits = s.substr(i);
  std::string low = PyLower(digits);
  if ((base == 16 || base == 0) && low.rfind("0x", 0) == 0) {
    base = 16;
    digits = digits.substr(2);
  } else if ((base == 8 || base == 0) && low.rfind("0o", 0) == 0) {
    base = 8;
    digits = digits.substr(2);
  } else if ((base == 2 || base == 0) && low.rfind("0b", 0) == 0) {
    base = 2;
    digits = digits.substr(2);
  } else if (base == 0) {
    base = 10;
    if (digits.size() > 1 && digits[0] == '0' &&
        digits.find_first_not_of("0_") != std::string::npos)
      return std::nullopt;
  }
  if (digits.empty()) return std::nullopt;
  int64_t val = 0;
  for (size_t k = 0; k < digits.size(); ++k) {
    char c = digits[k];
    if (c == '_' && k > 0 && k + 1 < digits.size() && digits[k + 1] != '_') continue;
    int d = isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'a' && c <= 'z')               ? c - 'a' + 10
            : (c >= 'A' && c <= 'Z')               ? c - 'A' + 10
                                                   : 99;
    if (d >= base) return std::nullopt;
    if (__builtin_mul_overflow(val, base, &val) || __builtin_add_overflow(val, d, &val))
      Fail("integer overflow: int('" + s + "') does not fit in 64 bits");
  }
  return neg ? -val : val;
}

// A float's integer part as int64, or an error: drover's integers are
// 64-bit where Python's are unbounded, and a wrapped number is never right.
int64_t FloatToInt(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
    Fail("integer overflow: int(" + PyStr(Value(f)) + ") does not fit in 64 bits");
  return static_cast<int64_t>(f);
}

TVal FInt(Renderer&, const TVal& in, CallArgs& a) {
  const TVal* d = A(a, 0, "default");
  Value dflt = d ? d->val() : Value(static_cast<int64_t>(0));
  int base = static_cast<int>(IntArg(a, 1, "base", 10));
  const Value& v = in.val();
  if (base != 0 && (base < 2 || base > 36)) return dflt;
  if (v.is_int()) return v;
  if (v.is_bool()) return Value(PyInt(v));
  if (v.is_float()) {
    if (std::isnan(v.as_float()) || std::isinf(v.as_float())) return dflt;
    return Value(FloatToInt(v.as_float()));
  }
  if (v.is_string()) {
    if (auto i = ParsePyInt(v.as_string(), base)) return Value(*i);
    if (auto f = ParsePyFloat(v.as_string())) {
      if (std::isnan(*f) || std::isinf(*f)) return dflt;
      return Value(FloatToInt(*f));
    }
  }
  return dflt;
}

TVal FFormat(Renderer&, const TVal& in, CallArgs& a) {
  std::string fmt = PyStrOf(in);
  if (!a.pos.empty() && !a.kw.empty())
    Fail("can't handle positional and keyword arguments at the same time");
  if (!a.kw.empty()) {
    Map m;
    for (auto& [k, v] : a.kw) m.set(k, v.val());
    return PyPercentFormat(fmt, Value(std::move(m)));
  }
  List l;
  for (auto& p : a.pos) l.push_back(p.val());
  return PyPercentFormat(fmt, Tuple(std::move(l)));
}

TVal FGroupby(Renderer& r, const TVal& in, CallArgs& a) {
  const Value& attr = Req(a, 0, "attribute", "groupby");
  const TVal* dflt = A(a, 1, "default");
  bool cs = BoolArg(a, 2, "case_sensitive", false);
  List items = Items(in);
  std::vector<std::pair<Value, Value>> keyed;
  for (const Value& x : items) {
    TVal k = GetPath(r, x, attr);
    if (k.undefined() && dflt) k = *dflt;
    Value kv = k.val();
    keyed.emplace_back(cs ? kv : IgnoreCase(kv), x);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& x, const auto& y) { return PyLess(x.first, y.first); });
  List out;
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i;
    List group;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) group.push_back(keyed[j++].second);
    Value grouper = keyed[i].first;
    if (!cs) {
      // Jinja reports the grouper from the first item in its original case.
      TVal k = GetPath(r, group[0], attr);
      if (k.undefined() && dflt) k = *dflt;
      grouper = k.val();
    }
    out.push_back(Tuple(List{grouper, Value(std::move(group))}));
    i = j;
  }
  return Value(std::move(out));
}

TVal FIndent(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = PyStrOf(in);
  std::string ind = "    ";
  if (const TVal* w = A(a, 0, "width")) {
    if (w->val().is_string())
      ind = w->v.as_string();
    else
      ind = std::string(static_cast<size_t>(std::max<int64_t>(0, IntArg(a, 0, "width", 4))), ' ');
  }
  bool first = BoolArg(a, 1, "first", false);
  bool blank = BoolArg(a, 2, "blank", false);
  s += "\n";
  std::vector<std::string> lines;
  {
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\n' || s[i] == '\r') {
        lines.push_back(s.substr(start, i - start));
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        start = i + 1;
      }
    }
    if (start < s.size()) lines.push_back(s.substr(start));
  }
  std::string rv;
  if (blank) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i) rv += "\n" + ind;
      rv += lines[i];
    }
  } else {
    rv = lines.empty() ? "" : lines[0];
    for (size_t i = 1; i < lines.size(); ++i) {
      rv += "\n";
      if (!lines[i].empty()) rv += ind;
      rv += lines[i];
    }
  }
  if (first) rv = ind + rv;
  return Value(rv);
}

TVal FJoin(Renderer& r, const TVal& in, CallArgs& a) {
  std::string sep = StrArg(a, 0, "d", "");
  const TVal* attr = A(a, 1, "attribute");
  std::string out;
  bool first = true;
  for (const Value& x : Items(in)) {
    if (!first) out += sep;
    first = false;
    if (attr)
      out += PyStrOf(GetPath(r, x, attr->val()));
    else
      out += PyStr(x);
  }
  return Value(out);
}

TVal FLength(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (v.is_string()) return Value(static_cast<int64_t>(Utf8Length(v.as_string())));
  if (v.is_list()) return Value(static_cast<int64_t>(v.as_list().size()));
  if (v.is_map()) return Value(static_cast<int64_t>(v.as_map().size()));
  Fail("object of type '" + std::string(v.type_name()) + "' has no len()");
}

TVal FList(Renderer&, const TVal& in, CallArgs&) {
  return Value(Items(in));
}
TVal FLower(Renderer&, const TVal& in, CallArgs&) {
  return Value(PyLower(PyStrOf(in)));
}
TVal FUpper(Renderer&, const TVal& in, CallArgs&) {
  return Value(PyUpper(PyStrOf(in)));
}

TVal FMap(Renderer& r, const TVal& in, CallArgs& a) {
  List out;
  List items = Items(in);
  if (a.pos.empty()) {
    const TVal* attr = A(a, 99, "attribute");
    if (!attr) Fail("map requires a filter argument");
    const TVal* dflt = A(a, 99, "default");
    for (const Value& x : items) {
      TVal v = GetPath(r, x, attr->val());
      if (v.undefined() && dflt) v = *dflt;
      out.push_back(v.val());
    }
    return Value(std::move(out));
  }
  std::string name = PyStrOf(a.pos[0]);
  CallArgs rest;
  rest.pos.assign(a.pos.begin() + 1, a.pos.end());
  rest.kw = a.kw;
  for (const Value& x : items) {
    CallArgs copy = rest;
    out.push_back(r.ApplyFilter(name, x, copy).val());
  }
  return Value(std::move(out));
}

TVal MinMax(Renderer& r, const TVal& in, CallArgs& a, bool want_max) {
  bool cs = BoolArg(a, 0, "case_sensitive", false);
  const TVal* attr = A(a, 1, "attribute");
  List items = Items(in);
  if (items.empty()) return TVal::Undefined(std::string("No aggregated item, sequence was empty."));
  auto key = [&](const Value& x) {
    Value k = attr ? GetPath(r, x, attr->val()).val() : x;
    return cs ? k : IgnoreCase(k);
  };
  size_t best = 0;
  Value bk = key(items[0]);
  for (size_t i = 1; i < items.size(); ++i) {
    Value k = key(items[i]);
    if (want_max ? PyLess(bk, k) : PyLess(k, bk)) {
      best = i;
      bk = k;
    }
  }
  return items[best];
}
TVal FMin(Renderer& r, const TVal& in, CallArgs& a) {
  return MinMax(r, in, a, false);
}
TVal FMax(Renderer& r, const TVal& in, CallArgs& a) {
  return MinMax(r, in, a, true);
}

// pprint.pformat(value): width 80, sorted dict keys, long strings split
// into implicitly concatenated pieces.
void PrettyRepr(const Value& v, std::string& out);

void PFormatStr(const std::string& str, size_t indent, size_t allowance, int level,
                std::string& out) {
  std::vector<std::string> chunks;
  // splitlines(keepends=True)
  std::vector<std::string> lines;
  for (size_t i = 0; i < str.size();) {
    size_t e = str.find('\n', i);
    if (e == std::string::npos) {
      lines.push_back(str.substr(i));
      break;
    }
    lines.push_back(str.substr(i, e + 1 - i));
    i = e + 1;
  }
  if (level == 1) {
    ++indent;
    ++allowance;
  }
  long max_width = 80 - static_cast<long>(indent);
  long max_width1 = max_width;
  std::string rep;
  for (size_t i = 0; i < lines.size(); ++i) {
    rep = PyRepr(Value(lines[i]));
    if (i + 1 == lines.size()) max_width1 -= static_cast<long>(allowance);
    if (static_cast<long>(Utf8Length(rep)) <= max_width1) {
      chunks.push_back(rep);
      continue;
    }
    // alternating non-space/space parts: re.findall(r'\S*\s*', line)[:-1]
    std::vector<std::string> parts;
    const std::string& line = lines[i];
    for (size_t p = 0; p < line.size();) {
      size_t q = p;
      while (q < line.size() && !PyIsSpace(line[q])) ++q;
      while (q < line.size() && PyIsSpace(line[q])) ++q;
      parts.push_back(line.substr(p, q - p));
      p = q;
    }
    long max_width2 = max_width;
    std::string current;
    for (size_t j = 0; j < parts.size(); ++j) {
      std::string candidate = current + parts[j];
      if (j + 1 == parts.size() && i + 1 == lines.size())
        max_width2 -= static_cast<long>(allowance);
      if (static_cast<long>(Utf8Length(PyRepr(Value(candidate)))) > max_width2) {
        if (!current.empty()) chunks.push_back(PyRepr(Value(current)));
        current = parts[j];
      } else {
        current = candidate;
      }
    }
    if (!current.empty()) chunks.push_back(PyRepr(Value(current)));
  }
  if (chunks.size() == 1) {
    out += rep;
    return;
  }
  if (level == 1) out += '(';
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i) out += "\n" + std::string(indent, ' ');
    out += chunks[i];
  }
  if (level == 1) out += ')';
}

void PFormat(const Value& v, size_t indent, size_t allowance, int level, std::string& out) {
  std::string rep;
  PrettyRepr(v, rep);
  size_t width = 80;
  size_t max_width = width > indent + allowance ? width - indent - allowance : 0;
  if (Utf8Length(rep) <= max_width) {
    out += rep;
    return;
  }
  ++level;
  if (v.is_string() && !v.as_string().empty()) {
    PFormatStr(v.as_string(), indent, allowance, level, out);
    return;
  }
  if (!(v.is_map() || v.is_list()) || (v.is_list() ? v.as_list().empty() : v.as_map().empty())) {
    out += rep;
    return;
  }
  if (v.is_map()) {
    std::vector<const Map::Entry*> entries;
    for (auto& e : v.as_map()) entries.push_back(&e);
    std::stable_sort(entries.begin(), entries.end(),
                     [](auto* x, auto* y) { return x->first < y->first; });
    out += '{';
    size_t in = indent + 1;
    for (size_t i = 0; i < entries.size(); ++i) {
      bool last = i + 1 == entries.size();
      std::string k = PyRepr(Value(entries[i]->first));
      out += k + ": ";
      PFormat(entries[i]->second, in + Utf8Length(k) + 2, last ? allowance + 1 : 1, level, out);
      if (!last) out += ",\n" + std::string(in, ' ');
    }
    out += '}';
    return;
  }
  bool tuple = v.is_tuple();
  out += tuple ? '(' : '[';
  size_t in = indent + 1;
  const List& l = v.as_list();
  for (size_t i = 0; i < l.size(); ++i) {
    bool last = i + 1 == l.size();
    PFormat(l[i], in, last ? allowance + 1 + (tuple && l.size() == 1 ? 1 : 0) : 1, level, out);
    if (!last) out += ",\n" + std::string(in, ' ');
  }
  if (tuple && l.size() == 1) out += ',';
  out += tuple ? ')' : ']';
}

TVal FPprint(Renderer&, const TVal& in, CallArgs&) {
  std::string out;
  PFormat(in.val(), 0, 0, 0, out);
  return Value(out);
}
// repr with sorted dict keys.
void PrettyRepr(const Value& v, std::string& out) {
  if (v.is_map()) {
    std::vector<const Map::Entry*> entries;
    for (auto& e : v.as_map()) entries.push_back(&e);
    std::stable_sort(entries.begin(), entries.end(),
                     [](auto* x, auto* y) { return x->first < y->first; });
    out += '{';
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i) out += ", ";
      out += PyRepr(Value(entries[i]->first));
      out += ": ";
      PrettyRepr(entries[i]->second, out);
    }
    out += '}';
  } else if (v.is_list()) {
    out += v.is_tuple() ? '(' : '[';
    for (size_t i = 0; i < v.as_list().size(); ++i) {
      if (i) out += ", ";
      PrettyRepr(v.as_list()[i], out);
    }
    if (v.is_tuple() && v.as_list().size() == 1) out += ',';
    out += v.is_tuple() ? ')' : ']';
  } else {
    out += PyRepr(v);
  }
}

TVal SelectReject(Renderer& r, const TVal& in, CallArgs& a, bool attr_mode, bool select) {
  size_t off = 0;
  Value attr;
  if (attr_mode) {
    if (a.pos.empty()) Fail("Missing parameter for attribute name");
    attr = a.pos[0].val();
    off = 1;
  }
  std::string test;
  bool have_test = a.pos.size() > off;
  if (have_test) test = PyStrOf(a.pos[off]);
  CallArgs rest;
  if (have_test) rest.pos.assign(a.pos.begin() + static_cast<long>(off) + 1, a.pos.end());
  rest.kw = a.kw;
  if (have_test && !FindTest(test)) Fail("No test named '" + test + "'.");
  List out;
  for (const Value& x : Items(in)) {
    TVal subject = attr_mode ? GetPath(r, x, attr) : TVal(x);
    bool ok;
    if (have_test) {
      CallArgs copy = rest;
      ok = r.ApplyTest(test, subject, copy);
    } else {
      ok = r.Truthy(subject);
    }
    if (ok == select) out.push_back(x);
  }
  return Value(std::move(out));
}
TVal FSelect(Renderer& r, const TVal& in, CallArgs& a) {
  return SelectReject(r, in, a, false, true);
}
TVal FReject(Renderer& r, const TVal& in, CallArgs& a) {
  return SelectReject(r, in, a, false, false);
}
TVal FSelectAttr(Renderer& r, const TVal& in, CallArgs& a) {
  return SelectReject(r, in, a, true, true);
}
TVal FRejectAttr(Renderer& r, const TVal& in, CallArgs& a) {
  return SelectReject(r, in, a, true, false);
}

TVal FReplace(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = PyStrOf(in);
  std::string old = PyStr(Req(a, 0, "old", "replace"));
  std::string neu = PyStr(Req(a, 1, "new", "replace"));
  int64_t count = IntArg(a, 2, "count", -1);
  return Value(PyReplace(s, old, neu, count));
}

TVal FReverse(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (v.is_string()) {
    auto chars = Utf8Chars(v.as_string());
    std::string o;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) o += *it;
    return Value(o);
  }
  List l = Items(in);
  std::reverse(l.begin(), l.end());
  return Value(std::move(l));
}

TVal FRound(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  int64_t prec = IntArg(a, 0, "precision", 0);
  std::string method = StrArg(a, 1, "method", "common");
  if (!v.is_number() && !v.is_bool())
    Fail("type " + std::string(v.type_name()) + " doesn't define __round__ method");
  double x = v.as_number();
  if (v.is_bool()) x = PyInt(v);
  if (method == "common") {
    if (IsPyInt(v)) return Value(PyInt(v));  // round(int, n) stays int
    if (std::isinf(x) || std::isnan(x)) return Value(x);
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::max<int64_t>(prec, 0)), x);
    double r = std::strtod(buf, nullptr);
    if (prec < 0) {
      double p = std::pow(10.0, static_cast<double>(-prec));
      r = std::nearbyint(x / p) * p;
    }
    return Value(r);
  }
  double p = std::pow(10.0, static_cast<double>(prec));
  if (method == "ceil") return Value(std::ceil(x * p) / p);
  if (method == "floor") return Value(std::floor(x * p) / p);
  Fail("method must be common, ceil or floor");
}

TVal FSlice(Renderer&, const TVal& in, CallArgs& a) {
  List seq = Items(in);
  int64_t slices = IntArg(a, 0, "slices", 1);
  if (slices <= 0) Fail("slices must be positive");
  const TVal* fill = A(a, 1, "fill_with");
  int64_t length = static_cast<int64_t>(seq.size());
  int64_t per = length / slices, extra = length % slices;
  int64_t offset = 0;
  List out;
  for (int64_t i = 0; i < slices; ++i) {
    int64_t start = offset + i * per;
    if (i < extra) ++offset;
    int64_t end = offset + (i + 1) * per;
    List part(seq.begin() + start, seq.begin() + end);
    if (fill && i >= extra) part.push_back(fill->val());
    out.emplace_back(std::move(part));
  }
  return Value(std::move(out));
}

TVal FSort(Renderer& r, const TVal& in, CallArgs& a) {
  bool rev = BoolArg(a, 0, "reverse", false);
  bool cs = BoolArg(a, 1, "case_sensitive", false);
  const TVal* attr = A(a, 2, "attribute");
  List items = Items(in);
  std::vector<std::vector<Value>> keys(items.size());
  // attribute may be "a,b" (several keys).
  std::vector<Value> attr_list;
  if (attr) {
    const Value& av = attr->val();
    if (av.is_string()) {
      std::string s = av.as_string();
      size_t start = 0;
      while (true) {
        size_t c = s.find(',', start);
        attr_list.emplace_back(
            s.substr(start, c == std::string::npos ? std::string::npos : c - start));
        if (c == std::string::npos) break;
        start = c + 1;
      }
    } else {
      attr_list.push_back(av);
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (attr_list.empty()) {
      keys[i].push_back(cs ? items[i] : IgnoreCase(items[i]));
    } else {
      for (auto& at : attr_list) {
        Value k = GetPath(r, items[i], at).val();
        keys[i].push_back(cs ? k : IgnoreCase(k));
      }
    }
  }
  std::vector<size_t> idx(items.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t x, size_t y) {
    const auto& kx = keys[x];
    const auto& ky = keys[y];
    for (size_t k = 0; k < kx.size(); ++k) {
      if (kx[k] == ky[k]) continue;
      return rev ? PyLess(ky[k], kx[k]) : PyLess(kx[k], ky[k]);
    }
    return false;
  });
  List out;
  for (size_t i : idx) out.push_back(items[i]);
  return Value(std::move(out));
}

TVal FString(Renderer&, const TVal& in, CallArgs&) {
  return Value(PyStrOf(in));
}

TVal FSum(Renderer& r, const TVal& in, CallArgs& a) {
  const TVal* attr = A(a, 0, "attribute");
  Value total = a.Get(1, "start") ? a.Get(1, "start")->val() : Value(static_cast<int64_t>(0));
  for (const Value& x : Items(in)) {
    Value v = attr ? GetPath(r, x, attr->val()).val() : x;
    total = Arith("+", total, v);
  }
  return total;
}

// Jinja's title: capitalize each piece split on [-\s({\[<]+.
TVal FTitle(Renderer&, const TVal& in, CallArgs&) {
  std::string s = PyStrOf(in);
  std::string out;
  bool at_start = true;
  for (char c : s) {
    bool sep = c == '-' || PyIsSpace(c) || c == '(' || c == '{' || c == '[' || c == '<';
    if (sep) {
      out += c;
      at_start = true;
    } else if (at_start) {
      out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      at_start = false;
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
  }
  return Value(out);
}

TVal FToJsonJinja(Renderer&, const TVal& in, CallArgs& a) {
  JsonStyle st;
  st.sort_keys = true;
  if (const TVal* ind = A(a, 0, "indent"); ind && !ind->val().is_null())
    st.indent = static_cast<int>(PyInt(ind->v));
  std::string j = ToJson(in.val(), st);
  std::string o;
  for (char c : j) {
    switch (c) {
      case '<': o += "\\u003c"; break;
      case '>': o += "\\u003e"; break;
      case '&': o += "\\u0026"; break;
      case '\'': o += "\\u0027"; break;
      default: o += c;
    }
  }
  return Value(o);
}

TVal FTrim(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = PyStrOf(in);
  const TVal* c = A(a, 0, "chars");
  if (c && !c->val().is_null()) {
    std::string chars = PyStr(c->v);
    return Value(PyStrip(s, &chars, true, true));
  }
  return Value(PyStrip(s, nullptr, true, true));
}

TVal FTruncate(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = PyStrOf(in);
  int64_t length = IntArg(a, 0, "length", 255);
  bool killwords = BoolArg(a, 1, "killwords", false);
  std::string end = StrArg(a, 2, "end", "...");
  int64_t leeway = IntArg(a, 3, "leeway", 5);
  auto chars = Utf8Chars(s);
  int64_t n = static_cast<int64_t>(chars.size());
  if (length < static_cast<int64_t>(Utf8Length(end)))
    Fail("expected length >= " + std::to_string(Utf8Length(end)) + ", got " +
         std::to_string(length));
  if (leeway < 0) Fail("expected leeway >= 0, got " + std::to_string(leeway));
  if (n <= length + leeway) return Value(s);
  int64_t cut = length - static_cast<int64_t>(Utf8Length(end));
  std::string head;
  for (int64_t i = 0; i < cut; ++i) head += chars[static_cast<size_t>(i)];
  if (killwords) return Value(head + end);
  size_t sp = head.rfind(' ');
  if (sp != std::string::npos) head = head.substr(0, sp);
  return Value(head + end);
}

TVal FUnique(Renderer& r, const TVal& in, CallArgs& a) {
  const TVal* cst = A(a, 0, "case_sensitive");
  bool cs = cst && !cst->val().is_null() && cst->v.truthy();
  const TVal* attr = A(a, 1, "attribute");
  List out;
  std::vector<Value> seen;
  for (const Value& x : Items(in)) {
    Value k = attr ? GetPath(r, x, attr->val()).val() : x;
    if (!cs) k = IgnoreCase(k);
    bool dup = false;
    for (const Value& s : seen)
      if (s == k) {
        dup = true;
        break;
      }
    if (dup) continue;
    seen.push_back(k);
    out.push_back(x);
  }
  return Value(std::move(out));
}

std::string UrlQuote(const std::string& s, bool for_qs) {
  static const char* safe_chars = "_.-~";
  std::string o;
  for (unsigned char c : s) {
    if (isalnum(c) || std::strchr(safe_chars, c) || (!for_qs && c == '/')) {
      o += static_cast<char>(c);
    } else if (for_qs && c == ' ') {
      o += '+';
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      o += buf;
    }
  }
  return o;
}

TVal FUrlencode(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (v.is_string() || !(v.is_list() || v.is_map())) return Value(UrlQuote(PyStr(v), false));
  std::string o;
  auto add = [&](const Value& k, const Value& x) {
    if (!o.empty()) o += "&";
    o += UrlQuote(PyStr(k), true) + "=" + UrlQuote(PyStr(x), true);
  };
  if (v.is_map()) {
    for (auto& [k, x] : v.as_map()) add(Value(k), x);
  } else {
    for (const Value& pair : v.as_list()) {
      if (!pair.is_list() || pair.as_list().size() != 2)
        Fail("urlencode: expected (key, value) pairs");
      add(pair.as_list()[0], pair.as_list()[1]);
    }
  }
  return Value(o);
}

TVal FWordcount(Renderer&, const TVal& in, CallArgs&) {
  auto re = Regex::Compile("\\w+");
  return Value(static_cast<int64_t>(re->FindAll(PyStrOf(in)).size()));
}

// textwrap.TextWrapper(width, expand_tabs=False, replace_whitespace=False,
// break_long_words, break_on_hyphens).wrap(line).
std::vector<std::string> WrapLine(const std::string& line, size_t width, bool break_long,
                                  bool break_on_hyphens) {
  std::vector<std::string> chunks;
  if (break_on_hyphens) {
    // textwrap's wordsep_re.
    static const std::string kWs = "[\\t\\n\\x0b\\x0c\\r ]";
    static const std::string kNws = "[^\\t\\n\\x0b\\x0c\\r ]";
    static const std::string kLt = "[^\\d\\W]";
    static const std::string kWp = "[\\w!\"'&.,?]";
    static const std::string kPattern = "(" + kWs + "+|(?<=" + kWp + ")-{2,}(?=\\w)|" + kNws +
                                        "+?(?:-(?:(?<=" + kLt + "{2}-)|(?<=" + kLt + "-" + kLt +
                                        "-))(?=" + kLt + "-?" + kLt + ")|(?=" + kWs +
                                        "|\\z)|(?<=" + kWp + ")(?=-{2,}\\w)))";
    auto re = Regex::Compile(kPattern);
    size_t last = 0;
    for (const RegexMatch& m : re->FindAll(line)) {
      size_t s = static_cast<size_t>(m.groups[0].first),
             e = static_cast<size_t>(m.groups[0].second);
      if (s > last) chunks.push_back(line.substr(last, s - last));
      if (e > s) chunks.push_back(line.substr(s, e - s));
      last = e;
    }
    if (last < line.size()) chunks.push_back(line.substr(last));
  } else {
    // Chunks of whitespace / non-whitespace (textwrap's wordsep_simple_re).
    for (size_t i = 0; i < line.size();) {
      size_t j = i;
      bool ws = PyIsSpace(line[i]);
      while (j < line.size() && PyIsSpace(line[j]) == ws) ++j;
      chunks.push_back(line.substr(i, j - i));
      i = j;
    }
  }
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::string> lines;
  while (!chunks.empty()) {
    std::vector<std::string> cur;
    size_t cur_len = 0;
    if (!lines.empty() && !chunks.empty() && PyIsSpace(chunks.back()[0])) chunks.pop_back();
    while (!chunks.empty()) {
      size_t l = Utf8Length(chunks.back());
      if (cur_len + l <= width) {
        cur.push_back(chunks.back());
        cur_len += l;
        chunks.pop_back();
      } else {
        break;
      }
    }
    if (!chunks.empty() && Utf8Length(chunks.back()) > width) {
      size_t space_left = width > cur_len ? width - cur_len : 1;
      if (width < 1) space_left = 1;
      if (break_long) {
        auto chars = Utf8Chars(chunks.back());
        size_t end = space_left;
        if (break_on_hyphens && chars.size() > space_left) {
          // break after the last hyphen before space_left, if non-hyphens precede it
          size_t hyphen = std::string::npos;
          for (size_t k = 0; k < space_left && k < chars.size(); ++k)
            if (chars[k] == "-") hyphen = k;
          bool non_hyphen = false;
          for (size_t k = 0; hyphen != std::string::npos && k < hyphen; ++k)
            non_hyphen = non_hyphen || chars[k] != "-";
          if (hyphen != std::string::npos && hyphen > 0 && non_hyphen) end = hyphen + 1;
        }
        std::string head, tail;
        for (size_t k = 0; k < chars.size(); ++k) (k < end ? head : tail) += chars[k];
        cur.push_back(head);
        cur_len += Utf8Length(head);
        chunks.back() = tail;
      } else if (cur.empty()) {
        cur.push_back(chunks.back());
        chunks.pop_back();
      }
    }
    if (!cur.empty() && PyStrip(cur.back(), nullptr, true, true).empty()) {
      cur_len -= Utf8Length(cur.back());
      cur.pop_back();
    }
    if (!cur.empty()) {
      std::string s;
      for (auto& c : cur) s += c;
      lines.push_back(s);
    }
  }
  return lines;
}

TVal FWordwrap(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = PyStrOf(in);
  int64_t width = IntArg(a, 0, "width", 79);
  bool break_long = BoolArg(a, 1, "break_long_words", true);
  bool break_on_hyphens = BoolArg(a, 3, "break_on_hyphens", true);
  std::string wrapstring = "\n";
  if (const TVal* w = A(a, 2, "wrapstring"); w && !w->val().is_null()) wrapstring = PyStr(w->v);
  std::vector<std::string> src_lines;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n') {
      src_lines.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  if (start < s.size()) src_lines.push_back(s.substr(start));
  std::string out;
  for (size_t i = 0; i < src_lines.size(); ++i) {
    if (i) out += wrapstring;
    auto wrapped = WrapLine(src_lines[i], static_cast<size_t>(width), break_long, break_on_hyphens);
    for (size_t k = 0; k < wrapped.size(); ++k) {
      if (k) out += wrapstring;
      out += wrapped[k];
    }
  }
  return Value(out);
}

TVal FXmlattr(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  if (!v.is_map()) Fail("xmlattr: expected a dict");
  bool autospace = BoolArg(a, 0, "autospace", true);
  std::string rv;
  for (auto& [k, x] : v.as_map()) {
    if (x.is_null()) continue;
    if (k.find_first_of(" />=\t\n\f") != std::string::npos)
      Fail("Invalid character in attribute name: " + PyRepr(Value(k)));
    if (!rv.empty()) rv += " ";
    rv += HtmlEscape(k) + "=\"" + HtmlEscape(PyStr(x)) + "\"";
  }
  if (autospace && !rv.empty()) rv = " " + rv;
  return Value(rv);
}

TVal FItems(Renderer&, const TVal& in, CallArgs&) {
  if (in.undefined()) return Value(List{});
  const Value& v = in.val();
  if (!v.is_map()) Fail("Can only get item pairs from a mapping.");
  List l;
  for (auto& [k, x] : v.as_map()) l.push_back(Tuple(List{Value(k), x}));
  return Value(std::move(l));
}

TVal FFilesizeformat(Renderer&, const TVal& in, CallArgs& a) {
  double bytes = in.val().as_number();
  bool binary = BoolArg(a, 0, "binary", false);
  double base = binary ? 1024 : 1000;
  const char* const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  const char* const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return Value("1 Byte");
  if (bytes < base) return Value(std::to_string(static_cast<int64_t>(bytes)) + " Bytes");
  char buf[64];
  for (int i = 0; i < 8; ++i) {
    double unit = std::pow(base, i + 2);
    if (bytes < unit || i == 7) {
      std::snprintf(buf, sizeof buf, "%.1f %s", base * bytes / unit, binary ? bin[i] : dec[i]);
      return Value(std::string(buf));
    }
  }
  return Value("");
}

TVal FSafe(Renderer&, const TVal& in, CallArgs&) {
  return TVal::Markup(PyStrOf(in));
}

TVal FStriptags(Renderer&, const TVal& in, CallArgs&) {
  std::string s = PyStrOf(in);
  s = Regex::Compile("<!--.*?-->|<[^>]*>", RegexFlags{false, false, true})->Sub(s, "");
  // collapse whitespace
  std::string o;
  bool sp = false;
  for (char c : s) {
    if (PyIsSpace(c)) {
      sp = true;
      continue;
    }
    if (sp && !o.empty()) o += ' ';
    sp = false;
    o += c;
  }
  std::string out = Regex::Compile("&amp;")->Sub(o, "&");
  out = Regex::Compile("&lt;")->Sub(out, "<");
  out = Regex::Compile("&gt;")->Sub(out, ">");
  return Value(out);
}

}  // namespace

void RegisterJinjaFilters(FilterTable& t) {
  t["abs"] = FAbs;
  t["attr"] = FAttr;
  t["batch"] = FBatch;
  t["capitalize"] = FCapitalize;
  t["center"] = FCenter;
  t["default"] = t["d"] = FDefault;
  t["dictsort"] = FDictsort;
  t["escape"] = t["e"] = FEscape;
  t["forceescape"] = FForceescape;
  t["filesizeformat"] = FFilesizeformat;
  t["first"] = FFirst;
  t["float"] = FFloat;
  t["format"] = FFormat;
  t["groupby"] = FGroupby;
  t["indent"] = FIndent;
  t["int"] = FInt;
  t["items"] = FItems;
  t["join"] = FJoin;
  t["last"] = FLast;
  t["length"] = t["count"] = FLength;
  t["list"] = FList;
  t["lower"] = FLower;
  t["map"] = FMap;
  t["max"] = FMax;
  t["min"] = FMin;
  t["pprint"] = FPprint;
  t["reject"] = FReject;
  t["rejectattr"] = FRejectAttr;
  t["replace"] = FReplace;
  t["reverse"] = FReverse;
  t["round"] = FRound;
  t["safe"] = FSafe;
  t["urlize"] = FilterUrlize;
  t["select"] = FSelect;
  t["selectattr"] = FSelectAttr;
  t["slice"] = FSlice;
  t["sort"] = FSort;
  t["string"] = FString;
  t["striptags"] = FStriptags;
  t["sum"] = FSum;
  t["title"] = FTitle;
  t["tojson"] = FToJsonJinja;
  t["trim"] = FTrim;
  t["truncate"] = FTruncate;
  t["unique"] = FUnique;
  t["upper"] = FUpper;
  t["urlencode"] = FUrlencode;
  t["wordcount"] = FWordcount;
  t["wordwrap"] = FWordwrap;
  t["xmlattr"] = FXmlattr;
}

}  // namespace drover::tmpl
