// The evaluator: statements, expressions, scoping, macros, loops, includes.
#include <algorithm>
#include <cmath>

#include "core/json.h"
#include "template/datetime.h"
#include "template/parser.h"
#include "template/runtime.h"
#include "template/secret_taint.h"

namespace drover::tmpl {

void Fail(std::string message) {
  throw RenderError(std::move(message));
}

const Value& TVal::val() const {
  if (kind == Kind::kUndefined) RaiseUndefined();
  if (kind == Kind::kObject)
    Fail("'" + obj->TypeName() + "' object cannot be used as a value here");
  return v;
}

void TVal::RaiseUndefined() const {
  RenderError e(*undefined_msg);
  // "'x' is undefined" -> x
  const std::string& m = *undefined_msg;
  if (m.size() > 15 && m[0] == '\'' && m.ends_with("' is undefined"))
    e.undefined_name = m.substr(1, m.size() - 15);
  e.undefined = true;
  throw e;
}

bool Object::GetAttr(std::string_view, TVal*) {
  return false;
}
TVal Object::Call(Renderer&, CallArgs&) {
  Fail("'" + TypeName() + "' object is not callable");
}
std::string Object::Str() const {
  return "<" + TypeName() + " object>";
}
std::optional<TVal> Object::BinaryOp(const std::string&, const TVal&, bool) {
  return std::nullopt;
}
std::optional<int> Object::CompareTo(const TVal&) {
  return std::nullopt;
}

const TVal* CallArgs::Get(size_t index, std::string_view name) const {
  if (index < pos.size()) return &pos[index];
  for (auto& [k, v] : kw)
    if (k == name) return &v;
  return nullptr;
}

void CallArgs::Check(std::string_view fn, size_t max_pos,
                     std::initializer_list<std::string_view> names) const {
  if (pos.size() > max_pos)
    Fail(std::string(fn) + "() takes at most " + std::to_string(max_pos) + " arguments (" +
         std::to_string(pos.size()) + " given)");
  for (auto& [k, v] : kw) {
    bool ok = false;
    for (auto n : names) ok = ok || n == k;
    if (!ok) Fail(std::string(fn) + "() got an unexpected keyword argument '" + k + "'");
  }
}

namespace {

std::string ObjectTypeRepr(const Value& v) {
  return std::string(v.type_name()) + " object";
}

// ---- objects ----

class LoopObject : public Object {
 public:
  LoopObject(const List* items, size_t index, int depth,
             std::shared_ptr<std::optional<Value>> last_changed)
      : last_changed_(std::move(last_changed)), items_(items), i_(index), depth_(depth) {}
  std::string TypeName() const override { return "LoopContext"; }
  bool GetAttr(std::string_view n, TVal* out) override {
    int64_t len = static_cast<int64_t>(items_->size());
    int64_t i = static_cast<int64_t>(i_);
    if (n == "index")
      *out = Value(i + 1);
    else if (n == "index0")
      *out = Value(i);
    else if (n == "revindex")
      *out = Value(len - i);
    else if (n == "revindex0")
      *out = Value(len - i - 1);
    else if (n == "first")
      *out = Value(i == 0);
    else if (n == "last")
      *out = Value(i == len - 1);
    else if (n == "length")
      *out = Value(len);
    else if (n == "depth")
      *out = Value(static_cast<int64_t>(depth_));
    else if (n == "depth0")
      *out = Value(static_cast<int64_t>(depth_ - 1));
    else if (n == "previtem")
      *out = i > 0 ? TVal((*items_)[i_ - 1]) : TVal::Undefined("there is no previous item");
    else if (n == "nextitem")
      *out = i + 1 < len ? TVal((*items_)[i_ + 1]) : TVal::Undefined("there is no next item");
    else if (n == "cycle")
      *out = TVal::Obj(std::make_shared<CycleFn>(i_));
    else if (n == "changed")
      *out = TVal::Obj(std::make_shared<ChangedFn>(this));
    else
      return false;
    return true;
  }
  bool Callable() const override { return recurse_ != nullptr; }
  TVal Call(Renderer& r, CallArgs& args) override {
    if (!recurse_)
      Fail("Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier.");
    if (args.pos.size() != 1) Fail("loop() takes exactly one argument");
    return recurse_(r, args.pos[0], depth_ + 1);
  }
  std::function<TVal(Renderer&, const TVal&, int)> recurse_;
  std::shared_ptr<std::optional<Value>> last_changed_;  // shared by the loop's iterations

 private:
  struct CycleFn : Object {
    explicit CycleFn(size_t i) : i(i) {}
    std::string TypeName() const override { return "method"; }
    bool Callable() const override { return true; }
    TVal Call(Renderer&, CallArgs& a) override {
      if (a.pos.empty()) Fail("no items for cycling given");
      return a.pos[i % a.pos.size()];
    }
    size_t i;
  };
  struct ChangedFn : Object {
    explicit ChangedFn(LoopObject* l) : l(l) {}
    std::string TypeName() const override { return "method"; }
    bool Callable() const override { return true; }
    TVal Call(Renderer&, CallArgs& a) override {
      List vals;
      for (auto& p : a.pos) vals.push_back(p.val());
      Value v(std::move(vals));
      if (*l->last_changed_ && **l->last_changed_ == v) return Value(false);
      *l->last_changed_ = v;
      return Value(true);
    }
    LoopObject* l;
  };
  const List* items_;
  size_t i_;
  int depth_;
};

// A macro (or a call block's caller). Runs in its defining renderer.
class MacroObjectImpl : public Object {
 public:
  MacroObjectImpl(Renderer* home, const Node* node, std::string name, const Body* body,
                  const std::vector<MacroParam>* params)
      : home_(home),
        node_(node),
        name_(std::move(name)),
        body_(body),
        params_(params),
        def_depth_(home->frames().size()) {}
  std::string TypeName() const override { return "Macro"; }
  bool Callable() const override { return true; }
  bool GetAttr(std::string_view n, TVal* out) override {
    if (n == "name") {
      // A call block's caller has no name (None).
      *out = node_->kind == Node::Kind::kCallBlock ? Value() : Value(name_);
      return true;
    }
    if (n == "arguments") {
      List names;
      for (const MacroParam& p : *params_) names.emplace_back(p.name);
      *out = Tuple(std::move(names));
      return true;
    }
    return false;
  }
  TVal Call(Renderer& caller_renderer, CallArgs& args) override;
  std::string Str() const override { return "<Macro '" + name_ + "'>"; }

  Renderer* home_;
  const Node* node_;
  std::string name_;
  const Body* body_;
  const std::vector<MacroParam>* params_;
  // The frames of its defining scope: a macro (or caller) sees those, not
  // the locals of the place that calls it.
  size_t def_depth_;
};

class Namespace : public Object {
 public:
  std::string TypeName() const override { return "Namespace"; }
  bool GetAttr(std::string_view n, TVal* out) override {
    for (auto& [k, v] : attrs)
      if (k == n) {
        *out = v;
        return true;
      }
    return false;
  }
  std::string Str() const override {
    std::string s = "<Namespace {";
    bool first = true;
    for (auto& [k, v] : attrs) {
      if (!first) s += ", ";
      first = false;
      s += "'" + k + "': " + (v.is_value() ? PyRepr(v.v) : v.is_obj() ? v.obj->Str() : "Undefined");
    }
    return s + "}>";
  }
  std::vector<std::pair<std::string, TVal>> attrs;
};

class Module : public Object {
 public:
  std::string TypeName() const override { return "TemplateModule"; }
  bool GetAttr(std::string_view n, TVal* out) override {
    if (!n.empty() && n[0] == '_') return false;
    for (auto& [k, v] : exports)
      if (k == n) {
        *out = v;
        return true;
      }
    return false;
  }
  std::string Str() const override { return rendered; }
  std::vector<std::pair<std::string, TVal>> exports;
  std::string rendered;
  std::shared_ptr<const ParsedTemplate> parsed;
  std::unique_ptr<Renderer> renderer;
  std::unique_ptr<Scope> scope;
};

class EmptyScope : public Scope {
 public:
  const Value* Lookup(std::string_view) const override { return nullptr; }
};

// Globals: range, dict, namespace, cycler, joiner, lookup, query, now.
class BuiltinFn : public Object {
 public:
  using Fn = TVal (*)(Renderer&, CallArgs&);
  BuiltinFn(std::string name, Fn fn) : name_(std::move(name)), fn_(fn) {}
  std::string TypeName() const override { return "builtin_function_or_method"; }
  bool Callable() const override { return true; }
  TVal Call(Renderer& r, CallArgs& a) override { return fn_(r, a); }
  std::string Str() const override { return "<built-in function " + name_ + ">"; }

 private:
  std::string name_;
  Fn fn_;
};

class Cycler : public Object {
 public:
  std::string TypeName() const override { return "Cycler"; }
  bool GetAttr(std::string_view n, TVal* out) override;
  List items;
  size_t pos = 0;
};

struct CyclerMethod : Object {
  CyclerMethod(Cycler* c, std::string m) : c(c), m(std::move(m)) {}
  std::string TypeName() const override { return "method"; }
  bool Callable() const override { return true; }
  TVal Call(Renderer&, CallArgs&) override {
    if (m == "reset") {
      c->pos = 0;
      return Value();
    }
    Value v = c->items[c->pos];
    c->pos = (c->pos + 1) % c->items.size();
    return v;
  }
  Cycler* c;
  std::string m;
};

bool Cycler::GetAttr(std::string_view n, TVal* out) {
  if (n == "current") {
    *out = items[pos];
    return true;
  }
  if (n == "next" || n == "reset") {
    *out = TVal::Obj(std::make_shared<CyclerMethod>(this, std::string(n)));
    return true;
  }
  return false;
}

class Joiner : public Object {
 public:
  std::string TypeName() const override { return "Joiner"; }
  bool Callable() const override { return true; }
  TVal Call(Renderer&, CallArgs&) override {
    if (first) {
      first = false;
      return Value("");
    }
    return Value(sep);
  }
  std::string sep = ", ";
  bool first = true;
};

void CheckBuiltSize(bool is_string, int64_t unit, int64_t times);

TVal GlobalRange(Renderer&, CallArgs& a) {
  int64_t start = 0, stop = 0, step = 1;
  auto num = [](const TVal& t) {
    const Value& v = t.val();
    if (!IsPyInt(v))
      Fail("'" + std::string(v.type_name()) + "' object cannot be interpreted as an integer");
    return PyInt(v);
  };
  if (a.pos.size() == 1) {
    stop = num(a.pos[0]);
  } else if (a.pos.size() >= 2) {
    start = num(a.pos[0]);
    stop = num(a.pos[1]);
    if (a.pos.size() >= 3) step = num(a.pos[2]);
  } else {
    Fail("range expected at least 1 argument, got 0");
  }
  if (step == 0) Fail("range() arg 3 must not be zero");
  // Ansible's Jinja2 is not sandboxed (no MAX_RANGE): only the bound on
  // lists built in a template applies.
  double span = step > 0 ? static_cast<double>(stop) - static_cast<double>(start)
                         : static_cast<double>(start) - static_cast<double>(stop);
  double len = span <= 0 ? 0 : std::ceil(span / std::fabs(static_cast<double>(step)));
  CheckBuiltSize(false, 1, len > 9e18 ? INT64_MAX : static_cast<int64_t>(len));
  List l;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    l.emplace_back(i);
  }
  return Value(std::move(l));
}

TVal GlobalDict(Renderer&, CallArgs& a) {
  Map m;
  if (!a.pos.empty()) {
    const Value& src = a.pos[0].val();
    if (src.is_map()) {
      for (auto& [k, v] : src.as_map()) m.set(k, v);
    } else {
      for (const Value& pair : PyIter(src)) {
        if (!pair.is_list() || pair.as_list().size() != 2)
          Fail("dictionary update sequence element has wrong length");
        m.set(PyStr(pair.as_list()[0]), pair.as_list()[1]);
      }
    }
  }
  for (auto& [k, v] : a.kw) m.set(k, v.val());
  return Value(std::move(m));
}

TVal GlobalNamespace(Renderer&, CallArgs& a) {
  auto ns = std::make_shared<Namespace>();
  if (!a.pos.empty())
    for (auto& [k, v] : a.pos[0].val().as_map()) ns->attrs.emplace_back(k, TVal(v));
  for (auto& [k, v] : a.kw) ns->attrs.emplace_back(k, v);
  return TVal::Obj(ns);
}

TVal GlobalCycler(Renderer&, CallArgs& a) {
  auto c = std::make_shared<Cycler>();
  for (auto& p : a.pos) c->items.push_back(p.val());
  if (c->items.empty()) Fail("at least one item has to be provided");
  return TVal::Obj(c);
}

TVal GlobalJoiner(Renderer&, CallArgs& a) {
  auto j = std::make_shared<Joiner>();
  if (const TVal* s = a.Get(0, "sep")) j->sep = PyStrOf(*s);
  return TVal::Obj(j);
}

thread_local Lookup thread_lookup;

TVal DoLookup(Renderer& r, CallArgs& a, bool query) {
  const Lookup& lookup = r.hooks().lookup ? r.hooks().lookup : thread_lookup;
  if (!lookup) Fail("lookup plugins are not available here");
  if (a.pos.empty()) Fail("lookup() requires a plugin name");
  std::string plugin = PyStrOf(a.pos[0]);
  List args;
  for (size_t i = 1; i < a.pos.size(); ++i) args.push_back(a.pos[i].val());
  Map kw;
  bool wantlist = query;
  for (auto& [k, v] : a.kw) {
    if (k == "wantlist") {
      wantlist = v.val().truthy();
      continue;
    }
    kw.set(k, v.val());
  }
  Result<Value> res = lookup(plugin, args, kw, wantlist, r.scope());
  if (!res) Fail(res.error().message);
  return *res;
}

TVal GlobalLookup(Renderer& r, CallArgs& a) {
  return DoLookup(r, a, false);
}
TVal GlobalQuery(Renderer& r, CallArgs& a) {
  return DoLookup(r, a, true);
}

// Ansible's now(utc=False, fmt=None): a datetime, or a string with fmt.
TVal GlobalNow(Renderer&, CallArgs& a) {
  bool utc = false;
  if (const TVal* u = a.Get(0, "utc")) utc = u->val().truthy();
  const TVal* f = a.Get(1, "fmt");
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tmv;
  if (utc)
    gmtime_r(&ts.tv_sec, &tmv);
  else
    localtime_r(&ts.tv_sec, &tmv);
  if (!f || f->val().is_null()) return MakeDateTime(tmv, static_cast<int>(ts.tv_nsec / 1000));
  return Value(PyStrftime(PyStrOf(*f), tmv, static_cast<int>(ts.tv_nsec / 1000)));
}

const std::vector<std::pair<std::string, BuiltinFn::Fn>>& GlobalFns() {
  static const std::vector<std::pair<std::string, BuiltinFn::Fn>> k = {
      {"range", GlobalRange},   {"dict", GlobalDict},     {"namespace", GlobalNamespace},
      {"cycler", GlobalCycler}, {"joiner", GlobalJoiner}, {"lookup", GlobalLookup},
      {"query", GlobalQuery},   {"q", GlobalQuery},       {"now", GlobalNow},
      {"lipsum", GlobalLipsum},
  };
  return k;
}

// Python arithmetic.
bool IsNum(const Value& v) {
  return v.is_number() || v.is_bool();
}
double Num(const Value& v) {
  return v.is_float() ? v.as_float() : static_cast<double>(PyInt(v));
}

[[noreturn]] void BadOperands(const std::string& op, const Value& a, const Value& b) {
  Fail("unsupported operand type(s) for " + op + ": '" + std::string(a.type_name()) + "' and '" +
       std::string(b.type_name()) + "'");
}

// Python's integers are unbounded, drover's are 64-bit: a result that does
// not fit is an error naming the operation, never a wrapped number.
[[noreturn]] void IntOverflow(const std::string& op, int64_t a, int64_t b) {
  Fail("integer overflow: " + std::to_string(a) + " " + op + " " + std::to_string(b) +
       " does not fit in 64 bits (drover's integers are 64-bit; use floats, e.g. " +
       std::to_string(a) + ".0 " + op + " " + std::to_string(b) + ")");
}

int64_t CheckedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) IntOverflow("+", a, b);
  return r;
}
int64_t CheckedSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) IntOverflow("-", a, b);
  return r;
}
int64_t CheckedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) IntOverflow("*", a, b);
  return r;
}
// a ** b for b >= 0, by squaring (bounded time for any exponent).
int64_t CheckedPow(int64_t a, int64_t b) {
  if (a == 0 || a == 1) return b == 0 ? 1 : a;
  if (a == -1) return b % 2 == 0 ? 1 : -1;
  int64_t result = 1, base = a, e = b;
  while (true) {
    if ((e & 1) && __builtin_mul_overflow(result, base, &result)) IntOverflow("**", a, b);
    e >>= 1;
    if (e == 0) return result;
    if (__builtin_mul_overflow(base, base, &base)) IntOverflow("**", a, b);
  }
}

int64_t FloorDiv(int64_t a, int64_t b) {
  if (a == INT64_MIN && b == -1) IntOverflow("//", a, b);
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t FloorMod(int64_t a, int64_t b) {
  if (b == -1) return 0;  // INT64_MIN % -1 traps in C++
  int64_t m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

// A string or list that a template builds by repetition or concatenation
// ('x' * 10**9, s ~ s in a loop) may not exceed these sizes: Python would
// try to build it and exhaust memory; drover fails first, naming the limit.
constexpr int64_t kMaxBuiltStringBytes = int64_t{64} << 20;
constexpr int64_t kMaxBuiltListItems = 1000000;

void CheckBuiltSize(bool is_string, int64_t unit, int64_t times) {
  const int64_t limit = is_string ? kMaxBuiltStringBytes : kMaxBuiltListItems;
  if (unit <= 0 || times <= 0 || times <= limit / unit) return;
  Fail(std::string(is_string ? "string" : "list") + " too large: " + std::to_string(unit) + " x " +
       std::to_string(times) + (is_string ? " bytes" : " items") + " exceeds drover's limit of " +
       std::to_string(limit) + (is_string ? " bytes (64 MiB)" : " items") +
       " for values built in a template");
}

Value Repeat(const Value& seq, int64_t n) {
  if (seq.is_string()) {
    CheckBuiltSize(true, static_cast<int64_t>(seq.as_string().size()), n);
    std::string o;
    if (n > 0) o.reserve(seq.as_string().size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) o += seq.as_string();
    return Value(std::move(o));
  }
  CheckBuiltSize(false, static_cast<int64_t>(seq.as_list().size()), n);
  List o;
  for (int64_t i = 0; i < n; ++i)
    for (const Value& e : seq.as_list()) o.push_back(e);
  return Value(std::move(o));
}

}  // namespace

Value Arith(const std::string& op, const Value& a, const Value& b) {
  if (op == "+") {
    if (IsPyInt(a) && IsPyInt(b)) return Value(CheckedAdd(PyInt(a), PyInt(b)));
    if (IsNum(a) && IsNum(b)) return Value(Num(a) + Num(b));
    if (a.is_string() && b.is_string()) {
      CheckBuiltSize(true, static_cast<int64_t>(a.as_string().size() + b.as_string().size()), 1);
      return Value(a.as_string() + b.as_string());
    }
    if (a.is_list() && b.is_list()) {
      CheckBuiltSize(false, static_cast<int64_t>(a.as_list().size() + b.as_list().size()), 1);
      List l = a.as_list();
      l.insert(l.end(), b.as_list().begin(), b.as_list().end());
      return Value(std::move(l));
    }
    if (a.is_string() || a.is_list())
      Fail("can only concatenate " + std::string(a.type_name()) + " (not \"" +
           std::string(b.type_name()) + "\") to " + std::string(a.type_name()));
    BadOperands("+", a, b);
  }
  if (op == "-") {
    if (IsPyInt(a) && IsPyInt(b)) return Value(CheckedSub(PyInt(a), PyInt(b)));
    if (IsNum(a) && IsNum(b)) return Value(Num(a) - Num(b));
    BadOperands("-", a, b);
  }
  if (op == "*") {
    if (IsPyInt(a) && IsPyInt(b)) return Value(CheckedMul(PyInt(a), PyInt(b)));
    if (IsNum(a) && IsNum(b)) return Value(Num(a) * Num(b));
    if ((a.is_string() || a.is_list()) && IsPyInt(b)) return Repeat(a, PyInt(b));
    if ((b.is_string() || b.is_list()) && IsPyInt(a)) return Repeat(b, PyInt(a));
    if (a.is_string() || b.is_string())
      Fail("can't multiply sequence by non-int of type '" +
           std::string((a.is_string() ? b : a).type_name()) + "'");
    BadOperands("*", a, b);
  }
  if (op == "/") {
    if (!IsNum(a) || !IsNum(b)) BadOperands("/", a, b);
    if (Num(b) == 0) Fail(IsPyInt(a) && IsPyInt(b) ? "division by zero" : "float division by zero");
    return Value(Num(a) / Num(b));
  }
  if (op == "//") {
    if (!IsNum(a) || !IsNum(b)) BadOperands("//", a, b);
    if (Num(b) == 0)
      Fail(IsPyInt(a) && IsPyInt(b) ? "integer division or modulo by zero"
                                    : "float floor division by zero");
    if (IsPyInt(a) && IsPyInt(b)) return Value(FloorDiv(PyInt(a), PyInt(b)));
    return Value(std::floor(Num(a) / Num(b)));
  }
  if (op == "%") {
    if (a.is_string()) return PyPercentFormat(a.as_string(), b);
    if (!IsNum(a) || !IsNum(b)) BadOperands("%", a, b);
    if (Num(b) == 0)
      Fail(IsPyInt(a) && IsPyInt(b) ? "integer division or modulo by zero" : "float modulo");
    if (IsPyInt(a) && IsPyInt(b)) return Value(FloorMod(PyInt(a), PyInt(b)));
    double m = std::fmod(Num(a), Num(b));
    if (m != 0 && ((m < 0) != (Num(b) < 0))) m += Num(b);
    return Value(m);
  }
  if (op == "**") {
    if (!IsNum(a) || !IsNum(b)) BadOperands("** or pow()", a, b);
    if (IsPyInt(a) && IsPyInt(b) && PyInt(b) >= 0) {
      return Value(CheckedPow(PyInt(a), PyInt(b)));
    }
    if (Num(a) == 0 && Num(b) < 0) Fail("0.0 cannot be raised to a negative power");
    return Value(std::pow(Num(a), Num(b)));
  }
  Fail("unknown operator " + op);
}

TVal MacroObjectImpl::Call(Renderer& /*caller_renderer*/, CallArgs& args) {
  // Macros run in their defining renderer, in a new frame over its live
  // frames (so they see the template's top-level names at call time).
  Renderer& r = *home_;
  size_t depth = r.frames().size();
  // Frames above the defining scope (the caller's locals) are set aside.
  size_t keep = std::min(def_depth_, depth);
  std::vector<Renderer::Frame> above(std::make_move_iterator(r.frames().begin() + keep),
                                     std::make_move_iterator(r.frames().end()));
  r.frames().resize(keep);
  r.Push();
  struct Restore {
    Renderer& r;
    size_t keep;
    std::vector<Renderer::Frame>& above;
    ~Restore() {
      r.frames().resize(keep);
      for (auto& f : above) r.frames().push_back(std::move(f));
    }
  } restore{r, keep, above};
  // Macro calls nest on the C++ stack; the frames no longer show how deep.
  thread_local int call_depth = 0;
  struct Depth {
    int& d;
    ~Depth() { --d; }
  } nested{++call_depth};
  if (depth > 200 || call_depth > 200) Fail("maximum recursion depth exceeded");
  size_t n = params_->size();
  List varargs;
  for (size_t i = 0; i < args.pos.size(); ++i) {
    if (i < n)
      r.Set((*params_)[i].name, args.pos[i]);
    else
      varargs.push_back(args.pos[i].val());
  }
  Map kwargs;
  TVal caller;
  bool have_caller = false;
  for (auto& [k, v] : args.kw) {
    bool is_param = false;
    for (size_t i = 0; i < n; ++i)
      if ((*params_)[i].name == k) {
        if (i < args.pos.size())
          Fail("macro '" + name_ + "' got multiple values for argument '" + k + "'");
        r.Set(k, v);
        is_param = true;
      }
    if (is_param) continue;
    if (k == "caller") {
      caller = v;
      have_caller = true;
      continue;
    }
    kwargs.set(k, v.val());
  }
  for (size_t i = args.pos.size(); i < n; ++i) {
    const MacroParam& p = (*params_)[i];
    bool given = false;
    for (auto& [k, v] : args.kw) given = given || k == p.name;
    if (given) continue;
    if (p.default_value)
      r.Set(p.name, r.Eval(*p.default_value));
    else
      r.Set(p.name, TVal::Undefined("parameter '" + p.name + "' was not provided"));
  }
  r.Set("varargs", Tuple(std::move(varargs)));
  r.Set("kwargs", Value(std::move(kwargs)));
  if (have_caller) r.Set("caller", caller);
  std::string out;
  Renderer::BlockItemsScope buffered(r, -1);
  r.RenderBody(*body_, out);
  return Value(std::move(out));
}

// ---- Renderer ----

Renderer::Renderer(const ParsedTemplate& t, const Scope& scope, const Hooks& hooks,
                   std::shared_ptr<Shared> shared)
    : t_(t), scope_(scope), hooks_(hooks), shared_(std::move(shared)) {
  frames_.emplace_back();
}

void Renderer::Set(const std::string& name, TVal v) {
  Frame& f = frames_.back();
  for (auto& [k, old] : f)
    if (k == name) {
      old = std::move(v);
      return;
    }
  f.emplace_back(name, std::move(v));
}

TVal Renderer::LookupGlobal(std::string_view name) {
  for (auto& [n, fn] : GlobalFns())
    if (n == name) return TVal::Obj(std::make_shared<BuiltinFn>(n, fn));
  return TVal::Undefined("'" + std::string(name) + "' is undefined");
}

namespace {

// Ansible's HostVars: `hostvars` maps each host to its variables, and a
// host's value is templated with that host's variables (not the variables
// of the host whose template reads it); a value that is undefined there is
// left as written (HostVarsVars templates with fail_on_undefined=False).
Value ResolveHostvars(const Value& hostvars, const Hooks& hooks) {
  Map out;
  for (const auto& [host, vars] : hostvars.as_map()) {
    if (!vars.is_map() || !NeedsTemplating(vars)) {
      out.set(host, vars);
      continue;
    }
    MapScope host_scope(vars);
    Map resolved;
    for (const auto& [k, value] : vars.as_map()) {
      if (!NeedsTemplating(value)) {
        resolved.set(k, value);
        continue;
      }
      try {
        resolved.set(
            k, TemplateValueImpl(value, host_scope, hooks, std::make_shared<Renderer::Shared>()));
      } catch (const RenderError& e) {
        if (!e.undefined) throw;
        resolved.set(k, value);
      }
    }
    out.set(host, Value(std::move(resolved)));
  }
  return Value(std::move(out));
}

}  // namespace

TVal Renderer::Lookup(std::string_view name) {
  for (auto f = frames_.rbegin(); f != frames_.rend(); ++f)
    for (auto& [k, v] : *f)
      if (k == name) return v;
  if (name == "self") return SelfReference(*this);
  if (!shared_->resolved.empty()) {
    auto it = shared_->resolved.find(std::string(name));
    if (it != shared_->resolved.end()) return it->second;
  }
  if (const Value* v = scope_.Lookup(name)) {
    if (!NeedsTemplating(*v)) {
      // Cache big plain values (facts) so later lookups skip the scan.
      if (v->is_map() || v->is_list()) shared_->resolved[std::string(name)] = *v;
      return *v;
    }
    std::string key(name);
    for (const std::string& r : shared_->resolving)
      if (r == key) {
        Fail("recursive loop detected in template string: " +
             (v->is_string() ? v->as_string() : PyStr(*v)));
      }
    shared_->resolving.push_back(key);
    struct Pop {
      std::vector<std::string>& v;
      ~Pop() { v.pop_back(); }
    } pop{shared_->resolving};
    Value resolved = name == "hostvars" && v->is_map()
                         ? ResolveHostvars(*v, hooks_)
                         : TemplateValueImpl(*v, scope_, hooks_, shared_);
    shared_->resolved[key] = resolved;
    return resolved;
  }
  return LookupGlobal(name);
}

TVal Renderer::GetAttr(const TVal& obj, std::string_view name) {
  // Jinja2's plain Undefined (an inline if without else) fails on access.
  if (obj.undefined() && obj.lenient) obj.RaiseUndefined();
  if (obj.undefined()) return obj;
  if (obj.is_obj()) {
    TVal out;
    if (obj.obj->GetAttr(name, &out)) return out;
    return TVal::Undefined("'" + obj.obj->TypeName() + " object' has no attribute '" +
                           std::string(name) + "'");
  }
  const Value& v = obj.v;
  if (v.is_tuple() && v.as_list().size() == 2 && (name == "grouper" || name == "list"))
    return v.as_list()[name == "grouper" ? 0 : 1];
  if (auto m = BoundMethod(v, name)) return TVal::Obj(m);
  if (v.is_map()) {
    if (const Value* f = v.as_map().find(name)) return *f;
  }
  return TVal::Undefined("'" + ObjectTypeRepr(v) + "' has no attribute '" + std::string(name) +
                         "'");
}

TVal Renderer::GetItem(const TVal& obj, const TVal& key) {
  if (obj.undefined() && obj.lenient) obj.RaiseUndefined();
  if (obj.undefined()) return obj;
  if (obj.is_obj()) {
    if (key.is_value() && key.v.is_string()) return GetAttr(obj, key.v.as_string());
    Fail("'" + obj.obj->TypeName() + "' object is not subscriptable");
  }
  const Value& v = obj.v;
  const Value& k = key.val();
  if (v.is_map()) {
    if (k.is_string()) {
      if (const Value* f = v.as_map().find(k.as_string())) return *f;
      if (auto m = BoundMethod(v, k.as_string())) return TVal::Obj(m);
      return TVal::Undefined("'" + ObjectTypeRepr(v) + "' has no attribute '" + k.as_string() +
                             "'");
    }
    if (k.is_number() || k.is_bool() || k.is_null()) {
      if (const Value* f = v.as_map().find(PyStr(k))) return *f;
    }
    return TVal::Undefined(ObjectTypeRepr(v) + " has no element " + PyRepr(k));
  }
  if (v.is_list() || v.is_string()) {
    if (IsPyInt(k)) {
      int64_t i = PyInt(k);
      if (v.is_list()) {
        int64_t n = static_cast<int64_t>(v.as_list().size());
        if (i < 0) i += n;
        if (i >= 0 && i < n) return v.as_list()[static_cast<size_t>(i)];
      } else {
        std::vector<std::string> chars = Utf8Chars(v.as_string());
        int64_t n = static_cast<int64_t>(chars.size());
        if (i < 0) i += n;
        if (i >= 0 && i < n) return Value(chars[static_cast<size_t>(i)]);
      }
      return TVal::Undefined(ObjectTypeRepr(v) + " has no element " + PyRepr(k));
    }
    if (k.is_string()) {
      if (auto m = BoundMethod(v, k.as_string())) return TVal::Obj(m);
      return TVal::Undefined("'" + ObjectTypeRepr(v) + "' has no attribute '" + k.as_string() +
                             "'");
    }
    return TVal::Undefined(ObjectTypeRepr(v) + " has no element " + PyRepr(k));
  }
  if (k.is_string()) return GetAttr(obj, k.as_string());
  return TVal::Undefined(ObjectTypeRepr(v) + " has no element " + PyRepr(k));
}

bool Renderer::Truthy(const TVal& t) {
  if (t.undefined() && t.lenient) return false;
  if (t.undefined()) t.RaiseUndefined();
  if (t.is_obj()) return true;
  return t.v.truthy();
}

TVal Renderer::CallValue(const TVal& callee, CallArgs& args) {
  if (callee.undefined()) callee.RaiseUndefined();
  if (callee.is_obj() && callee.obj->Callable()) return callee.obj->Call(*this, args);
  if (callee.is_obj()) Fail("'" + callee.obj->TypeName() + "' object is not callable");
  Fail("'" + std::string(callee.v.type_name()) + "' object is not callable");
}

void Renderer::EvalArgs(const Expr& e, size_t first, CallArgs& args) {
  for (size_t i = first; i < e.args.size(); ++i) args.pos.push_back(Eval(*e.args[i]));
  for (auto& [k, v] : e.kwargs) args.kw.emplace_back(k, Eval(*v));
  if (e.dyn_args) {
    TVal d = Eval(*e.dyn_args);
    for (const Value& x : PyIter(d.val())) args.pos.emplace_back(x);
  }
  if (e.dyn_kwargs) {
    TVal d = Eval(*e.dyn_kwargs);
    if (!d.val().is_map()) Fail("argument after ** must be a mapping");
    for (auto& [k, x] : d.v.as_map()) args.kw.emplace_back(k, TVal(x));
  }
}

TVal Renderer::EvalCall(const Expr& e) {
  TVal callee = Eval(*e.args[0]);
  CallArgs args;
  EvalArgs(e, 1, args);
  line_ = e.line;
  col_ = e.col;
  return CallValue(callee, args);
}

TVal Renderer::ApplyFilter(std::string_view name, const TVal& input, CallArgs& args) {
  FilterFn fn = FindFilter(name);
  if (!fn) Fail("No filter named '" + std::string(name) + "'.");
  TVal result = fn(*this, input, args);
  if (FilterKeepsSecretMark(name)) InheritSecretMark(result, nullptr, &input, &args);
  return result;
}

bool Renderer::ApplyTest(std::string_view name, const TVal& input, CallArgs& args) {
  TestFn fn = FindTest(name);
  if (!fn) Fail("No test named '" + std::string(name) + "'.");
  return fn(*this, input, args);
}

namespace {
Value SliceValue(const Value& v, const TVal* a, const TVal* b, const TVal* c) {
  auto get = [](const TVal* t, bool* has) -> int64_t {
    if (!t) {
      *has = false;
      return 0;
    }
    const Value& x = t->val();
    if (x.is_null()) {
      *has = false;
      return 0;
    }
    if (!IsPyInt(x)) Fail("slice indices must be integers or None or have an __index__ method");
    *has = true;
    return PyInt(x);
  };
  bool hs, he, hst;
  int64_t s = get(a, &hs), e = get(b, &he), st = get(c, &hst);
  if (!hst) st = 1;
  if (st == 0) Fail("slice step cannot be zero");
  std::vector<std::string> chars;
  const List* list = nullptr;
  if (v.is_string())
    chars = Utf8Chars(v.as_string());
  else if (v.is_list())
    list = &v.as_list();
  else
    Fail("'" + std::string(v.type_name()) + "' object is not subscriptable");
  int64_t n = static_cast<int64_t>(list ? list->size() : chars.size());
  auto norm = [&](int64_t x, bool has, int64_t dflt) {
    if (!has) return dflt;
    if (x < 0) x += n;
    if (st > 0) return std::clamp<int64_t>(x, 0, n);
    return std::clamp<int64_t>(x, -1, n - 1);
  };
  s = norm(s, hs, st > 0 ? 0 : n - 1);
  e = norm(e, he, st > 0 ? n : -1);
  List out;
  std::string sout;
  for (int64_t i = s; st > 0 ? i < e : i > e; i += st) {
    if (list)
      out.push_back((*list)[static_cast<size_t>(i)]);
    else
      sout += chars[static_cast<size_t>(i)];
  }
  if (list) return Value(std::move(out));
  return Value(std::move(sout));
}

bool ContainsValue(const Value& container, const Value& item) {
  if (container.is_string()) {
    if (!item.is_string())
      Fail("'in <string>' requires string as left operand, not " + std::string(item.type_name()));
    return container.as_string().find(item.as_string()) != std::string::npos;
  }
  if (container.is_list()) {
    for (const Value& e : container.as_list())
      if (e == item) return true;
    return false;
  }
  if (container.is_map()) {
    if (!item.is_string())
      return container.as_map().find(PyStr(item)) != nullptr && (item.is_number());
    return container.as_map().contains(item.as_string());
  }
  Fail("argument of type '" + std::string(container.type_name()) + "' is not iterable");
}
}  // namespace

bool PyContains(const Value& container, const Value& item) {
  return ContainsValue(container, item);
}

TVal Renderer::EvalCompare(const Expr& e) {
  TVal left = Eval(*e.args[0]);
  for (size_t i = 0; i < e.ops.size(); ++i) {
    TVal right = Eval(*e.args[i + 1]);
    const std::string& op = e.ops[i];
    if (left.is_obj() && (op != "in" && op != "notin")) {
      if (auto c = left.obj->CompareTo(right)) {
        bool r = op == "=="   ? *c == 0
                 : op == "!=" ? *c != 0
                 : op == "<"  ? *c < 0
                 : op == "<=" ? *c <= 0
                 : op == ">"  ? *c > 0
                              : *c >= 0;
        if (!r) return Value(false);
        left = std::move(right);
        continue;
      }
    }
    const Value& a = left.val();
    const Value& b = right.val();
    bool r;
    if (op == "==")
      r = a == b;
    else if (op == "!=")
      r = a != b;
    else if (op == "in")
      r = ContainsValue(b, a);
    else if (op == "notin")
      r = !ContainsValue(b, a);
    else {
      int c;
      try {
        c = PyCompare(a, b);
      } catch (RenderError& err) {
        std::string sym = op;
        Fail("'" + sym + "' not supported between instances of '" + std::string(a.type_name()) +
             "' and '" + std::string(b.type_name()) + "'");
      }
      r = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    }
    if (!r) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

TVal Renderer::EvalBinary(const Expr& e) {
  TVal a = Eval(*e.args[0]);
  TVal b = Eval(*e.args[1]);
  line_ = e.line;
  col_ = e.col;
  if (e.name == "~") {
    std::string left = PyStrOf(a), right = PyStrOf(b);
    CheckBuiltSize(true, static_cast<int64_t>(left.size() + right.size()), 1);
    // Jinja2's markup_join, used in autoescape blocks.
    if (autoescape_ && (a.markup || b.markup))
      return TVal::Markup((a.markup ? left : HtmlEscape(left)) +
                          (b.markup ? right : HtmlEscape(right)));
    return Value(left + right);
  }
  // Markup + str escapes the str (and str + Markup), as MarkupSafe does.
  if (e.name == "+" && (a.markup || b.markup) && a.is_value() && b.is_value() && a.v.is_string() &&
      b.v.is_string())
    return TVal::Markup((a.markup ? a.v.as_string() : HtmlEscape(a.v.as_string())) +
                        (b.markup ? b.v.as_string() : HtmlEscape(b.v.as_string())));
  if (a.is_obj())
    if (auto r = a.obj->BinaryOp(e.name, b, false)) return *r;
  if (b.is_obj())
    if (auto r = b.obj->BinaryOp(e.name, a, true)) return *r;
  return Arith(e.name, a.val(), b.val());
}

TVal Renderer::Eval(const Expr& e) {
  line_ = e.line;
  col_ = e.col;
  switch (e.kind) {
    case Expr::Kind::kConst: return e.constant;
    case Expr::Kind::kName: return Lookup(e.name);
    case Expr::Kind::kGetAttr: return GetAttr(Eval(*e.args[0]), e.name);
    case Expr::Kind::kGetItem: {
      TVal obj = Eval(*e.args[0]);
      TVal key = Eval(*e.args[1]);
      return GetItem(obj, key);
    }
    case Expr::Kind::kSlice: {
      TVal obj = Eval(*e.args[0]);
      TVal parts[3];
      for (int i = 0; i < 3; ++i)
        if (e.args[static_cast<size_t>(i) + 1])
          parts[i] = Eval(*e.args[static_cast<size_t>(i) + 1]);
      TVal slice = SliceValue(obj.val(), e.args[1] ? &parts[0] : nullptr,
                              e.args[2] ? &parts[1] : nullptr, e.args[3] ? &parts[2] : nullptr);
      InheritSecretMark(slice, nullptr, &obj, nullptr);
      return slice;
    }
    case Expr::Kind::kCall: return EvalCall(e);
    case Expr::Kind::kFilter: {
      TVal input = Eval(*e.args[0]);
      CallArgs args;
      EvalArgs(e, 1, args);
      line_ = e.line;
      col_ = e.col;
      TVal result = reinterpret_cast<FilterFn>(const_cast<void*>(e.fn))(*this, input, args);
      if (FilterKeepsSecretMark(e.name)) InheritSecretMark(result, nullptr, &input, &args);
      // Ansible's STRING_TYPE_FILTERS return NativeJinjaText.
      result.native_text = e.native_text;
      return result;
    }
    case Expr::Kind::kTest: {
      TVal input = Eval(*e.args[0]);
      CallArgs args;
      EvalArgs(e, 1, args);
      line_ = e.line;
      col_ = e.col;
      bool r = reinterpret_cast<TestFn>(const_cast<void*>(e.fn))(*this, input, args);
      return Value(e.negate ? !r : r);
    }
    case Expr::Kind::kNeg: {
      TVal a = Eval(*e.args[0]);
      const Value& v = a.val();
      if (IsPyInt(v)) return Value(CheckedSub(0, PyInt(v)));
      if (v.is_float()) return Value(-v.as_float());
      Fail("bad operand type for unary -: '" + std::string(v.type_name()) + "'");
    }
    case Expr::Kind::kPos: {
      TVal a = Eval(*e.args[0]);
      const Value& v = a.val();
      if (IsPyInt(v)) return Value(PyInt(v));
      if (v.is_float()) return v;
      Fail("bad operand type for unary +: '" + std::string(v.type_name()) + "'");
    }
    case Expr::Kind::kNot: return Value(!Truthy(Eval(*e.args[0])));
    case Expr::Kind::kBinary: return EvalBinary(e);
    case Expr::Kind::kAnd: {
      TVal a = Eval(*e.args[0]);
      if (!Truthy(a)) return a;
      return Eval(*e.args[1]);
    }
    case Expr::Kind::kOr: {
      TVal a = Eval(*e.args[0]);
      if (Truthy(a)) return a;
      return Eval(*e.args[1]);
    }
    case Expr::Kind::kCompare: return EvalCompare(e);
    case Expr::Kind::kCondExpr: {
      if (Truthy(Eval(*e.args[0]))) return Eval(*e.args[1]);
      if (e.args[2]) return Eval(*e.args[2]);
      TVal u = TVal::Undefined("the inline if-expression on line " + std::to_string(e.line) +
                               " evaluated to false and no else section was defined.");
      u.lenient = true;
      return u;
    }
    case Expr::Kind::kList:
    case Expr::Kind::kTuple: {
      List l;
      l.reserve(e.args.size());
      for (auto& a : e.args) l.push_back(Eval(*a).val());
      if (e.kind == Expr::Kind::kTuple) return Tuple(std::move(l));
      return Value(std::move(l));
    }
    case Expr::Kind::kDict: {
      Map m;
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        TVal k = Eval(*e.args[i]);
        TVal v = Eval(*e.args[i + 1]);
        const Value& kv = k.val();
        if (kv.is_list() || kv.is_map())
          Fail("unhashable type: '" + std::string(kv.type_name()) + "'");
        m.set(kv.is_string() ? kv.as_string() : PyStr(kv), v.val());
      }
      return Value(std::move(m));
    }
  }
  Fail("internal error: unknown expression");
}

void Renderer::Print(const TVal& v, std::string& out) {
  ++output_nodes_;
  if (block_items_ >= 0) {
    if (v.undefined() && !v.lenient) v.RaiseUndefined();
    if (!v.is_value() || !v.v.is_string()) {
      std::string type = v.is_obj()      ? v.obj->TypeName()
                         : v.undefined() ? "Undefined"
                                         : std::string(v.v.type_name());
      Fail("sequence item " + std::to_string(block_items_) + ": expected str instance, " + type +
           " found");
    }
    ++block_items_;
  }
  last_native_text_ = v.native_text;
  if (v.undefined() && v.lenient) return;
  if (v.undefined()) v.RaiseUndefined();
  if (v.is_obj()) {
    out += v.obj->Str();
    return;
  }
  if (v.v.is_null()) return;  // Ansible's finalize: None prints as ""
  if (v.v.is_string()) {
    out += v.v.as_string();
    return;
  }
  out += PyStr(v.v);
}

void Renderer::Assign(const Target& target, const TVal& value) {
  if (!target.attr.empty()) {
    TVal ns = Lookup(target.names[0]);
    auto* n = ns.is_obj() ? dynamic_cast<Namespace*>(ns.obj.get()) : nullptr;
    if (!n) Fail("Can only assign attributes on namespace objects.");
    for (auto& [k, v] : n->attrs)
      if (k == target.attr) {
        v = value;
        return;
      }
    n->attrs.emplace_back(target.attr, value);
    return;
  }
  if (target.names.size() == 1) {
    Set(target.names[0], value);
    return;
  }
  const Value& v = value.val();
  List items = PyIter(v);
  if (items.size() != target.names.size())
    Fail(items.size() < target.names.size()
             ? "not enough values to unpack (expected " + std::to_string(target.names.size()) +
                   ", got " + std::to_string(items.size()) + ")"
             : "too many values to unpack (expected " + std::to_string(target.names.size()) + ")");
  for (size_t i = 0; i < items.size(); ++i) Set(target.names[i], items[i]);
}

void Renderer::ExecFor(const Node& n, std::string& out) {
  std::function<TVal(Renderer&, const TVal&, int)> run;
  std::string* outp = &out;
  run = [&](Renderer& r, const TVal& iter_val, int depth) -> TVal {
    std::string local;
    std::string& o = depth == 1 ? *outp : local;
    if (iter_val.undefined()) iter_val.RaiseUndefined();
    List items;
    if (iter_val.is_obj()) Fail("'" + iter_val.obj->TypeName() + "' object is not iterable");
    const Value& src = iter_val.v;
    if (src.is_null()) Fail("'NoneType' object is not iterable");
    if (src.is_number() || src.is_bool())
      Fail("'" + std::string(src.type_name()) + "' object is not iterable");
    items = PyIter(src);
    if (n.filter) {
      List kept;
      for (const Value& item : items) {
        r.Push();
        r.Assign(n.target, item);
        bool keep = r.Truthy(r.Eval(*n.filter));
        r.Pop();
        if (keep) kept.push_back(item);
      }
      items = std::move(kept);
    }
    if (items.empty()) {
      if (depth == 1) r.RenderBody(n.else_body, o);
      return Value(std::move(local));
    }
    auto last_changed = std::make_shared<std::optional<Value>>();
    for (size_t i = 0; i < items.size(); ++i) {
      r.Push();
      auto loop = std::make_shared<LoopObject>(&items, i, depth, last_changed);
      if (n.recursive) loop->recurse_ = run;
      r.Set("loop", TVal::Obj(loop));
      r.Assign(n.target, items[i]);
      r.RenderBody(n.body, o);
      r.Pop();
    }
    return Value(std::move(local));
  };
  run(*this, Eval(*n.expr), 1);
}

std::shared_ptr<const ParsedTemplate> LoadTemplate(Renderer& r, const std::string& name,
                                                   bool ignore_missing) {
  if (!r.hooks().loader) {
    if (ignore_missing) return nullptr;
    Fail("cannot load template '" + name + "': no template loader is configured");
  }
  Result<LoadedTemplate> loaded = r.hooks().loader(name, r.tmpl().name);
  if (!loaded) {
    if (ignore_missing) return nullptr;
    Fail(loaded.error().message);
  }
  auto pt = std::make_shared<ParsedTemplate>();
  pt->name = loaded->name;
  pt->name_ptr = std::make_shared<const std::string>(loaded->name);
  pt->options = r.tmpl().options;
  pt->options.keep_trailing_newline = false;  // Jinja2's default for includes
  try {
    std::string_view text = loaded->text;
    pt->body = ParseTemplate(text, pt->options, &pt->blocks);
  } catch (SyntaxError& e) {
    RenderError err(e.message, e.line, e.col, loaded->name);
    throw err;
  }
  return pt;
}

IncludeGuard::IncludeGuard(Renderer::Shared& shared, const std::string& including,
                           const std::string& name)
    : shared_(shared) {
  std::vector<std::string>& chain = shared_.includes;
  if (chain.empty()) chain.push_back(including);
  if (static_cast<int>(chain.size()) >= kMaxIncludeDepth) {
    std::map<std::string, int> times;
    for (const std::string& t : chain) ++times[t];
    std::string text;
    for (size_t i = 0; i < chain.size(); ++i) {
      if (i == 3 && chain.size() > 8) {
        text += "... -> ";
        i = chain.size() - 4;
      }
      text += chain[i] + " -> ";
    }
    text += name;
    std::string loop;
    if (times[name] > 0)
      loop = "; '" + name + "' includes itself " + std::to_string(times[name]) + " times";
    Fail("maximum recursion depth exceeded: more than " + std::to_string(kMaxIncludeDepth) +
         " templates included at once (" + text + ")" + loop);
  }
  chain.push_back(name);
}

IncludeGuard::~IncludeGuard() {
  shared_.includes.pop_back();
  if (shared_.includes.size() == 1) shared_.includes.clear();
}

void Renderer::ExecInclude(const Node& n, std::string& out) {
  TVal name = Eval(*n.expr);
  std::vector<std::string> names;
  if (name.val().is_list()) {
    for (const Value& x : name.v.as_list()) names.push_back(PyStr(x));
  } else {
    names.push_back(PyStrOf(name));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    bool last = i + 1 == names.size();
    auto pt = LoadTemplate(*this, names[i], n.ignore_missing || !last);
    if (!pt) continue;
    IncludeGuard guard(*shared_, t_.name, pt->name);
    Renderer sub(*pt, scope_, hooks_, shared_);
    if (n.with_context) {
      sub.frames_ = frames_;
      sub.Push();
    }
    sub.Attributing([&]() { sub.Run(out); });
    return;
  }
}

std::shared_ptr<Object> Renderer::ImportTemplate(const Node& n) {
  std::string name = PyStrOf(Eval(*n.expr));
  auto mod = std::make_shared<Module>();
  mod->parsed = LoadTemplate(*this, name, false);
  IncludeGuard guard(*shared_, t_.name, mod->parsed->name);
  if (n.with_context) {
    mod->renderer = std::make_unique<Renderer>(*mod->parsed, scope_, hooks_, shared_);
    mod->renderer->frames_ = frames_;
    mod->renderer->Push();
    mod->renderer->root_depth_ = mod->renderer->frames_.size();
  } else {
    mod->scope = std::make_unique<EmptyScope>();
    mod->renderer =
        std::make_unique<Renderer>(*mod->parsed, *mod->scope, hooks_, std::make_shared<Shared>());
  }
  mod->renderer->Attributing(
      [&]() { mod->renderer->RenderBody(mod->parsed->body, mod->rendered); });
  for (auto& [k, v] : mod->renderer->frames_.back()) mod->exports.emplace_back(k, v);
  return mod;
}

void Renderer::Exec(const Node& n, std::string& out) {
  switch (n.kind) {
    case Node::Kind::kText: out += n.text; return;
    case Node::Kind::kPrint: Print(Eval(*n.expr), out); return;
    case Node::Kind::kIf:
      for (size_t i = 0; i < n.conds.size(); ++i) {
        if (Truthy(Eval(*n.conds[i]))) {
          RenderBody(n.bodies[i], out);
          return;
        }
      }
      if (n.bodies.size() > n.conds.size()) RenderBody(n.bodies.back(), out);
      return;
    case Node::Kind::kFor: ExecFor(n, out); return;
    case Node::Kind::kSet: Assign(n.target, Eval(*n.expr)); return;
    case Node::Kind::kSetBlock: {
      std::string body;
      {
        BlockItemsScope buffered(*this, -1);
        RenderBody(n.body, body);
      }
      TVal v = Value(std::move(body));
      if (n.filter) {
        // Substitute the body for the innermost (null) filter input.
        std::vector<const Expr*> chain;
        for (const Expr* e = n.filter.get(); e; e = e->args[0].get()) chain.push_back(e);
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
          CallArgs args;
          EvalArgs(**it, 1, args);
          v = reinterpret_cast<FilterFn>(const_cast<void*>((*it)->fn))(*this, v, args);
        }
      }
      Assign(n.target, v);
      return;
    }
    case Node::Kind::kMacro: {
      Set(n.text,
          TVal::Obj(std::make_shared<MacroObjectImpl>(this, &n, n.text, &n.body, &n.params)));
      return;
    }
    case Node::Kind::kCallBlock: {
      auto caller = std::make_shared<MacroObjectImpl>(this, &n, "caller", &n.body, &n.params);
      const Expr& call = *n.expr;
      TVal callee = Eval(*call.args[0]);
      CallArgs args;
      EvalArgs(call, 1, args);
      args.kw.emplace_back("caller", TVal::Obj(caller));
      Print(CallValue(callee, args), out);
      return;
    }
    case Node::Kind::kFilterBlock: {
      std::string body;
      {
        BlockItemsScope buffered(*this, -1);
        RenderBody(n.body, body);
      }
      TVal v = Value(std::move(body));
      std::vector<const Expr*> chain;
      for (const Expr* e = n.filter.get(); e; e = e->args[0].get()) chain.push_back(e);
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        CallArgs args;
        EvalArgs(**it, 1, args);
        v = reinterpret_cast<FilterFn>(const_cast<void*>((*it)->fn))(*this, v, args);
      }
      Print(v, out);
      return;
    }
    case Node::Kind::kWith: {
      std::vector<TVal> values;
      for (auto& [t, e] : n.assigns) values.push_back(Eval(*e));
      Push();
      for (size_t i = 0; i < values.size(); ++i) Assign(n.assigns[i].first, values[i]);
      RenderBody(n.body, out);
      Pop();
      return;
    }
    case Node::Kind::kInclude: ExecInclude(n, out); return;
    case Node::Kind::kBlock: {
      const std::vector<const Node*>& stack = blocks().stacks.at(n.text);
      if (n.required && stack.size() <= 1) Fail("Required block '" + n.text + "' not found");
      RenderBlockAt(n.text, 0, n.scoped, out);
      return;
    }
    case Node::Kind::kExtends: ExecExtends(n, out); return;
    case Node::Kind::kAutoescape: {
      // Ansible's templar prints values unescaped even in an autoescape
      // block; only the `~` of escaped (Markup) strings differs.
      bool saved = autoescape_;
      autoescape_ = Truthy(Eval(*n.expr));
      Push();
      RenderBody(n.body, out);
      Pop();
      autoescape_ = saved;
      return;
    }
    case Node::Kind::kImport: Set(n.text, TVal::Obj(ImportTemplate(n))); return;
    case Node::Kind::kFromImport: {
      auto mod = ImportTemplate(n);
      modules_.push_back(mod);
      for (auto& [name, alias] : n.imports) {
        TVal v;
        if (!mod->GetAttr(name, &v))
          Fail("the template '" + PyStrOf(Eval(*n.expr)) +
               "' does not export the requested name '" + name + "'");
        Set(alias, v);
      }
      return;
    }
  }
}

// Nodes whose output a template that extends another drops at its top level.
bool WritesOutput(Node::Kind k) {
  switch (k) {
    case Node::Kind::kText:
    case Node::Kind::kPrint:
    case Node::Kind::kBlock:
    case Node::Kind::kCallBlock:
    case Node::Kind::kFilterBlock:
    case Node::Kind::kInclude: return true;
    default: return false;
  }
}

void Renderer::RenderBody(const Body& body, std::string& out) {
  for (const NodePtr& n : body) {
    if (parent_ && DropsOutput(out) && WritesOutput(n->kind)) continue;
    if (n->kind == Node::Kind::kText) {
      out += n->text;
      ++output_nodes_;
      if (block_items_ >= 0) ++block_items_;
      last_native_text_ = false;
      continue;
    }
    line_ = n->line;
    col_ = n->col;
    Exec(*n, out);
  }
}

void Renderer::Attributing(const std::function<void()>& run) {
  try {
    run();
  } catch (RenderError& e) {
    if (e.template_name.empty()) {
      e.template_name = t_.name;
      if (e.line == 0) {
        e.line = line_;
        e.col = col_;
      }
    }
    throw;
  }
}

void Renderer::Run(std::string& out) {
  root_out_ = &out;
  root_depth_ = frames_.size();
  RenderBody(t_.body, out);
  if (parent_) RenderParent(out);
}

ThreadLookup::ThreadLookup(Lookup lookup) : previous_(std::move(thread_lookup)) {
  thread_lookup = std::move(lookup);
}
ThreadLookup::~ThreadLookup() {
  thread_lookup = std::move(previous_);
}

}  // namespace drover::tmpl
