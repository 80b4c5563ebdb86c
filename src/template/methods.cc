// Python methods templates call on str, list and dict values.
#include <algorithm>
#include <unordered_set>

#include "template/runtime.h"
#include "template/secret_taint.h"

namespace drover::tmpl {

bool PyContains(const Value& container, const Value& item);

namespace {

const std::string& StrArgOf(const TVal& t, std::string_view what) {
  const Value& v = t.val();
  if (!v.is_string())
    Fail(std::string(what) + " argument must be str, not " + std::string(v.type_name()));
  return v.as_string();
}

std::vector<std::string> SplitWhitespace(const std::string& s, int64_t maxsplit) {
  std::vector<std::string> out;
  size_t i = 0, n = s.size();
  while (i < n) {
    while (i < n && PyIsSpace(s[i])) ++i;
    if (i >= n) break;
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
      size_t e = n;
      while (e > i && PyIsSpace(s[e - 1])) --e;
      out.push_back(s.substr(i, e - i));
      return out;
    }
    size_t j = i;
    while (j < n && !PyIsSpace(s[j])) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> SplitSep(const std::string& s, const std::string& sep, int64_t maxsplit) {
  if (sep.empty()) Fail("empty separator");
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) break;
    size_t p = s.find(sep, start);
    if (p == std::string::npos) break;
    out.push_back(s.substr(start, p - start));
    start = p + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

std::vector<std::string> RSplitSep(const std::string& s, const std::string& sep, int64_t maxsplit) {
  if (maxsplit < 0) return SplitSep(s, sep, -1);
  std::vector<std::string> out;
  size_t end = s.size();
  while (static_cast<int64_t>(out.size()) < maxsplit) {
    if (end < sep.size()) break;
    size_t p = s.rfind(sep, end - sep.size());
    if (p == std::string::npos) break;
    out.push_back(s.substr(p + sep.size(), end - p - sep.size()));
    end = p;
  }
  out.push_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

Value ToList(const std::vector<std::string>& v) {
  List l;
  for (auto& s : v) l.emplace_back(s);
  return Value(std::move(l));
}

std::string Capitalize(const std::string& s) {
  std::string o = PyLower(s);
  if (!o.empty() && o[0] >= 'a' && o[0] <= 'z') o[0] = static_cast<char>(o[0] - 32);
  return o;
}

std::string Title(const std::string& s) {
  std::string o;
  bool prev_cased = false;
  for (char c : s) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alpha) {
      if (prev_cased)
        o += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      else
        o += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    } else {
      o += c;
    }
    prev_cased = alpha || static_cast<unsigned char>(c) >= 0x80;
  }
  return o;
}

class Method : public Object {
 public:
  Method(Value self, std::string name) : self_(std::move(self)), name_(std::move(name)) {}
  std::string TypeName() const override { return "builtin_function_or_method"; }
  bool Callable() const override { return true; }
  std::string Str() const override {
    return "<built-in method " + name_ + " of " + std::string(self_.type_name()) + " object>";
  }
  TVal Call(Renderer& r, CallArgs& a) override {
    TVal result = self_.is_string() ? CallStr(r, a) : self_.is_list() ? CallList(a) : CallDict(a);
    InheritSecretMark(result, &self_, nullptr, &a);
    return result;
  }

 private:
  int64_t IntArg(const CallArgs& a, size_t i, std::string_view name, int64_t dflt) {
    const TVal* t = a.Get(i, name);
    if (!t || t->val().is_null()) return dflt;
    if (!IsPyInt(t->v))
      Fail("'" + std::string(t->v.type_name()) + "' object cannot be interpreted as an integer");
    return PyInt(t->v);
  }

  TVal CallStr(Renderer&, CallArgs& a) {
    const std::string& s = self_.as_string();
    const std::string& n = name_;
    if (n == "upper") return Value(PyUpper(s));
    if (n == "lower") return Value(PyLower(s));
    if (n == "strip" || n == "lstrip" || n == "rstrip") {
      const TVal* c = a.Get(0, "chars");
      std::string chars;
      if (c && !c->val().is_null()) chars = StrArgOf(*c, n);
      return Value(
          PyStrip(s, c && !c->v.is_null() ? &chars : nullptr, n != "rstrip", n != "lstrip"));
    }
    if (n == "split" || n == "rsplit") {
      const TVal* sep = a.Get(0, "sep");
      int64_t maxsplit = IntArg(a, 1, "maxsplit", -1);
      if (!sep || sep->val().is_null()) {
        if (n == "rsplit" && maxsplit >= 0) {
          // rsplit on whitespace with a limit
          std::vector<std::string> parts = SplitWhitespace(s, -1);
          if (static_cast<int64_t>(parts.size()) <= maxsplit + 1) return ToList(parts);
          size_t keep = parts.size() - static_cast<size_t>(maxsplit);
          // head is the original text up to the end of part keep-1
          size_t end = s.size();
          for (size_t i = parts.size(); i > keep; --i) {
            end = s.rfind(parts[i - 1], end - 1);
          }
          std::string head = PyStrip(s.substr(0, end), nullptr, true, true);
          std::vector<std::string> out{head};
          out.insert(out.end(), parts.begin() + static_cast<long>(keep), parts.end());
          return ToList(out);
        }
        return ToList(SplitWhitespace(s, maxsplit));
      }
      if (n == "rsplit") return ToList(RSplitSep(s, StrArgOf(*sep, n), maxsplit));
      return ToList(SplitSep(s, StrArgOf(*sep, n), maxsplit));
    }
    if (n == "splitlines") {
      List l;
      size_t start = 0;
      bool keep = a.Get(0, "keepends") && a.Get(0, "keepends")->val().truthy();
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' || s[i] == '\r') {
          size_t e = i;
          if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
          l.emplace_back(s.substr(start, (keep ? i + 1 : e) - start));
          start = i + 1;
        }
      }
      if (start < s.size()) l.emplace_back(s.substr(start));
      return Value(std::move(l));
    }
    if (n == "startswith" || n == "endswith") {
      const TVal* p = a.Get(0, "prefix");
      if (!p) Fail(n + "() takes at least 1 argument (0 given)");
      std::vector<std::string> cands;
      if (p->val().is_list()) {
        for (const Value& x : p->v.as_list()) cands.push_back(x.as_string());
      } else {
        if (!p->v.is_string())
          Fail(n + " first arg must be str or a tuple of str, not " +
               std::string(p->v.type_name()));
        cands.push_back(p->v.as_string());
      }
      for (auto& c : cands) {
        if (n == "startswith"
                ? s.compare(0, c.size(), c) == 0
                : (s.size() >= c.size() && s.compare(s.size() - c.size(), c.size(), c) == 0))
          return Value(true);
      }
      return Value(false);
    }
    if (n == "replace") {
      if (a.pos.size() < 2) Fail("replace expected at least 2 arguments");
      const std::string& old = StrArgOf(a.pos[0], n);
      const std::string& neu = StrArgOf(a.pos[1], n);
      int64_t count = IntArg(a, 2, "count", -1);
      return Value(PyReplace(s, old, neu, count));
    }
    if (n == "format") return Value(PyFormatMethod(s, a));
    if (n == "join") {
      if (a.pos.empty()) Fail("join() takes exactly one argument (0 given)");
      std::string o;
      bool first = true;
      for (const Value& x : PyIter(a.pos[0].val())) {
        if (!x.is_string())
          Fail("sequence item: expected str instance, " + std::string(x.type_name()) + " found");
        if (!first) o += s;
        first = false;
        o += x.as_string();
      }
      return Value(o);
    }
    if (n == "find" || n == "rfind" || n == "index" || n == "rindex" || n == "count") {
      if (a.pos.empty()) Fail(n + "() takes at least 1 argument (0 given)");
      const std::string& sub = StrArgOf(a.pos[0], n);
      if (n == "count") {
        if (sub.empty()) return Value(static_cast<int64_t>(Utf8Length(s) + 1));
        int64_t c = 0;
        for (size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size())) ++c;
        return Value(c);
      }
      size_t p = (n == "find" || n == "index") ? s.find(sub) : s.rfind(sub);
      if (p == std::string::npos) {
        if (n == "index" || n == "rindex") Fail("substring not found");
        return Value(static_cast<int64_t>(-1));
      }
      return Value(static_cast<int64_t>(Utf8Length(s.substr(0, p))));
    }
    if (n == "capitalize") return Value(Capitalize(s));
    if (n == "title") return Value(Title(s));
    if (n == "isdigit" || n == "isnumeric" || n == "isdecimal") {
      if (s.empty()) return Value(false);
      for (char c : s)
        if (c < '0' || c > '9') return Value(false);
      return Value(true);
    }
    if (n == "isalpha" || n == "isalnum" || n == "isspace" || n == "islower" || n == "isupper") {
      if (s.empty()) return Value(false);
      bool any_cased = false;
      for (char c : s) {
        bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z',
             digit = c >= '0' && c <= '9';
        if (n == "isalpha" && !(lower || upper)) return Value(false);
        if (n == "isalnum" && !(lower || upper || digit)) return Value(false);
        if (n == "isspace" && !PyIsSpace(c)) return Value(false);
        if (n == "islower" && upper) return Value(false);
        if (n == "isupper" && lower) return Value(false);
        any_cased = any_cased || lower || upper;
      }
      if (n == "islower" || n == "isupper") return Value(any_cased);
      return Value(true);
    }
    if (n == "center" || n == "ljust" || n == "rjust") {
      int64_t width = IntArg(a, 0, "width", 0);
      std::string fill = " ";
      if (const TVal* f = a.Get(1, "fillchar")) fill = StrArgOf(*f, n);
      int64_t len = static_cast<int64_t>(Utf8Length(s));
      if (width <= len) return Value(s);
      int64_t pad = width - len;
      int64_t left = n == "ljust" ? 0 : n == "rjust" ? pad : pad / 2 + (pad & width & 1);
      std::string o;
      for (int64_t i = 0; i < left; ++i) o += fill;
      o += s;
      for (int64_t i = 0; i < pad - left; ++i) o += fill;
      return Value(o);
    }
    if (n == "zfill") {
      int64_t width = IntArg(a, 0, "width", 0);
      std::string o = s;
      size_t sign = (!o.empty() && (o[0] == '-' || o[0] == '+')) ? 1 : 0;
      while (static_cast<int64_t>(Utf8Length(o)) < width) o.insert(sign, "0");
      return Value(o);
    }
    if (n == "swapcase") {
      std::string o = s;
      for (char& c : o) {
        if (c >= 'a' && c <= 'z')
          c = static_cast<char>(c - 32);
        else if (c >= 'A' && c <= 'Z')
          c = static_cast<char>(c + 32);
      }
      return Value(o);
    }
    if (n == "partition" || n == "rpartition") {
      const std::string& sep = StrArgOf(a.pos.at(0), n);
      size_t p = n == "partition" ? s.find(sep) : s.rfind(sep);
      if (p == std::string::npos)
        return n == "partition" ? Tuple(List{Value(s), Value(""), Value("")})
                                : Tuple(List{Value(""), Value(""), Value(s)});
      return Tuple(List{Value(s.substr(0, p)), Value(sep), Value(s.substr(p + sep.size()))});
    }
    if (n == "removeprefix") {
      const std::string& p = StrArgOf(a.pos.at(0), n);
      return Value(s.compare(0, p.size(), p) == 0 ? s.substr(p.size()) : s);
    }
    if (n == "removesuffix") {
      const std::string& p = StrArgOf(a.pos.at(0), n);
      return Value(!p.empty() && s.size() >= p.size() &&
                           s.compare(s.size() - p.size(), p.size(), p) == 0
                       ? s.substr(0, s.size() - p.size())
                       : s);
    }
    if (n == "encode" || n == "decode") return self_;
    Fail("'str' object has no attribute '" + n + "'");
  }

  TVal CallList(CallArgs& a) {
    List& l = self_.as_list();
    const std::string& n = name_;
    if (n == "append") {
      if (a.pos.size() != 1) Fail("list.append() takes exactly one argument");
      l.push_back(a.pos[0].val());
      return Value();
    }
    if (n == "extend") {
      for (const Value& x : PyIter(a.pos.at(0).val())) l.push_back(x);
      return Value();
    }
    if (n == "insert") {
      int64_t i = IntArg(a, 0, "index", 0);
      int64_t sz = static_cast<int64_t>(l.size());
      if (i < 0) i = std::max<int64_t>(0, i + sz);
      if (i > sz) i = sz;
      l.insert(l.begin() + i, a.pos.at(1).val());
      return Value();
    }
    if (n == "pop") {
      if (l.empty()) Fail("pop from empty list");
      int64_t i = IntArg(a, 0, "index", -1);
      int64_t sz = static_cast<int64_t>(l.size());
      if (i < 0) i += sz;
      if (i < 0 || i >= sz) Fail("pop index out of range");
      Value v = l[static_cast<size_t>(i)];
      l.erase(l.begin() + i);
      return v;
    }
    if (n == "remove") {
      const Value& x = a.pos.at(0).val();
      for (auto it = l.begin(); it != l.end(); ++it)
        if (*it == x) {
          l.erase(it);
          return Value();
        }
      Fail("list.remove(x): x not in list");
    }
    if (n == "index") {
      const Value& x = a.pos.at(0).val();
      for (size_t i = 0; i < l.size(); ++i)
        if (l[i] == x) return Value(static_cast<int64_t>(i));
      Fail(PyRepr(x) + " is not in list");
    }
    if (n == "count") {
      const Value& x = a.pos.at(0).val();
      int64_t c = 0;
      for (auto& e : l) c += e == x;
      return Value(c);
    }
    if (n == "reverse") {
      std::reverse(l.begin(), l.end());
      return Value();
    }
    if (n == "sort") {
      bool rev = a.Get(99, "reverse") && a.Get(99, "reverse")->val().truthy();
      std::stable_sort(l.begin(), l.end(), [&](const Value& x, const Value& y) {
        return rev ? PyLess(y, x) : PyLess(x, y);
      });
      return Value();
    }
    if (n == "copy") return Value(List(l));
    if (n == "clear") {
      l.clear();
      return Value();
    }
    Fail("'list' object has no attribute '" + n + "'");
  }

  TVal CallDict(CallArgs& a) {
    Map& m = self_.as_map();
    const std::string& n = name_;
    if (n == "items") {
      List l;
      for (auto& [k, v] : m) l.push_back(Tuple(List{Value(k), v}));
      return Value(std::move(l));
    }
    if (n == "keys") {
      List l;
      for (auto& [k, v] : m) l.emplace_back(k);
      return Value(std::move(l));
    }
    if (n == "values") {
      List l;
      for (auto& [k, v] : m) l.push_back(v);
      return Value(std::move(l));
    }
    if (n == "get") {
      if (a.pos.empty()) Fail("get expected at least 1 argument, got 0");
      const Value& k = a.pos[0].val();
      const Value* f = m.find(k.is_string() ? k.as_string() : PyStr(k));
      if (f) return *f;
      if (a.pos.size() > 1) return a.pos[1];
      return Value();
    }
    if (n == "update") {
      if (!a.pos.empty()) {
        const Value& o = a.pos[0].val();
        if (!o.is_map()) Fail("dictionary update sequence element has wrong type");
        for (auto& [k, v] : o.as_map()) m.set(k, v);
      }
      for (auto& [k, v] : a.kw) m.set(k, v.val());
      return Value();
    }
    if (n == "pop") {
      const Value& k = a.pos.at(0).val();
      std::string key = k.is_string() ? k.as_string() : PyStr(k);
      if (const Value* f = m.find(key)) {
        Value v = *f;
        m.erase(key);
        return v;
      }
      if (a.pos.size() > 1) return a.pos[1];
      Fail(PyRepr(k));
    }
    if (n == "setdefault") {
      const Value& k = a.pos.at(0).val();
      std::string key = k.is_string() ? k.as_string() : PyStr(k);
      if (const Value* f = m.find(key)) return *f;
      Value d = a.pos.size() > 1 ? a.pos[1].val() : Value();
      m.set(key, d);
      return d;
    }
    if (n == "copy") return Value(Map(m));
    if (n == "clear") {
      m = Map();
      return Value();
    }
    Fail("'dict' object has no attribute '" + n + "'");
  }

  Value self_;
  std::string name_;
};

bool IsStrMethod(std::string_view n) {
  static const std::unordered_set<std::string_view> k = {
      "upper",        "lower",      "strip",      "lstrip",    "rstrip",     "split",
      "rsplit",       "splitlines", "startswith", "endswith",  "replace",    "format",
      "join",         "find",       "rfind",      "index",     "rindex",     "count",
      "capitalize",   "title",      "isdigit",    "isnumeric", "isdecimal",  "isalpha",
      "isalnum",      "isspace",    "islower",    "isupper",   "center",     "ljust",
      "rjust",        "zfill",      "swapcase",   "partition", "rpartition", "removeprefix",
      "removesuffix", "encode",     "decode"};
  return k.count(n) != 0;
}
bool IsListMethod(std::string_view n) {
  static const std::unordered_set<std::string_view> k = {"append", "extend", "insert", "pop",
                                                         "remove", "index",  "count",  "reverse",
                                                         "sort",   "copy",   "clear"};
  return k.count(n) != 0;
}
bool IsDictMethod(std::string_view n) {
  static const std::unordered_set<std::string_view> k = {
      "items", "keys", "values", "get", "update", "pop", "setdefault", "copy", "clear"};
  return k.count(n) != 0;
}

}  // namespace

std::shared_ptr<Object> BoundMethod(const Value& self, std::string_view name) {
  switch (self.type()) {
    case Value::Type::kString:
      if (IsStrMethod(name)) return std::make_shared<Method>(self, std::string(name));
      return nullptr;
    case Value::Type::kList:
      if (IsListMethod(name)) return std::make_shared<Method>(self, std::string(name));
      return nullptr;
    case Value::Type::kMap:
      if (IsDictMethod(name)) return std::make_shared<Method>(self, std::string(name));
      return nullptr;
    default: return nullptr;
  }
}

}  // namespace drover::tmpl
