// Jinja2's builtin tests and Ansible's (core, mathstuff, files).
#include <sys/stat.h>

#include <cmath>

#include "template/regex.h"
#include "template/runtime.h"
#include "template/version.h"

namespace drover::tmpl {

bool PyContains(const Value& container, const Value& item);

namespace {

const Value& Arg(const CallArgs& a, size_t i, std::string_view name, std::string_view test) {
  const TVal* t = a.Get(i, name);
  if (!t) Fail(std::string(test) + "() missing required argument '" + std::string(name) + "'");
  return t->val();
}

bool TDefined(Renderer&, const TVal& v, CallArgs&) {
  return !v.undefined();
}
bool TUndefined(Renderer&, const TVal& v, CallArgs&) {
  return v.undefined();
}
bool TNone(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_null();
}
bool TNumber(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && (v.v.is_number() || v.v.is_bool());
}
bool TString(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_string();
}
bool TMapping(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_map();
}
bool TSequence(Renderer&, const TVal& v, CallArgs&) {
  const Value& x = v.val();
  return x.is_string() || x.is_list() || x.is_map();
}
bool TIterable(Renderer&, const TVal& v, CallArgs&) {
  if (v.undefined()) v.RaiseUndefined();
  return v.is_value() && (v.v.is_string() || v.v.is_list() || v.v.is_map());
}
bool TBoolean(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_bool();
}
bool TTrue(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_bool() && v.v.as_bool();
}
bool TFalse(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_bool() && !v.v.as_bool();
}
bool TInteger(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_int();
}
bool TFloat(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_float();
}
bool TCallable(Renderer&, const TVal& v, CallArgs&) {
  return v.is_obj() && v.obj->Callable();
}

int64_t IntOf(const Value& v, std::string_view what) {
  if (IsPyInt(v)) return PyInt(v);
  if (v.is_float()) return static_cast<int64_t>(v.as_float());
  Fail(std::string(what) + ": unsupported operand type '" + std::string(v.type_name()) + "'");
}
bool TEven(Renderer&, const TVal& v, CallArgs&) {
  const Value& x = v.val();
  if (x.is_float()) return std::fmod(x.as_float(), 2) == 0;
  return IntOf(x, "even") % 2 == 0;
}
bool TOdd(Renderer&, const TVal& v, CallArgs&) {
  const Value& x = v.val();
  if (x.is_float()) return std::fabs(std::fmod(x.as_float(), 2)) == 1;
  return IntOf(x, "odd") % 2 != 0;
}
bool TDivisibleBy(Renderer&, const TVal& v, CallArgs& a) {
  const Value& x = v.val();
  const Value& n = Arg(a, 0, "num", "divisibleby");
  if (x.is_float() || n.is_float()) {
    double d = n.as_number();
    if (d == 0) Fail("float modulo");
    return std::fmod(x.as_number(), d) == 0;
  }
  int64_t d = IntOf(n, "divisibleby");
  if (d == 0) Fail("integer division or modulo by zero");
  return IntOf(x, "divisibleby") % d == 0;
}
bool TEq(Renderer&, const TVal& v, CallArgs& a) {
  return v.val() == Arg(a, 0, "other", "eq");
}
bool TNe(Renderer&, const TVal& v, CallArgs& a) {
  return v.val() != Arg(a, 0, "other", "ne");
}
bool TLt(Renderer&, const TVal& v, CallArgs& a) {
  return PyCompare(v.val(), Arg(a, 0, "other", "lt")) < 0;
}
bool TLe(Renderer&, const TVal& v, CallArgs& a) {
  return PyCompare(v.val(), Arg(a, 0, "other", "le")) <= 0;
}
bool TGt(Renderer&, const TVal& v, CallArgs& a) {
  return PyCompare(v.val(), Arg(a, 0, "other", "gt")) > 0;
}
bool TGe(Renderer&, const TVal& v, CallArgs& a) {
  return PyCompare(v.val(), Arg(a, 0, "other", "ge")) >= 0;
}
bool TIn(Renderer&, const TVal& v, CallArgs& a) {
  return PyContains(Arg(a, 0, "seq", "in"), v.val());
}
bool TSameAs(Renderer&, const TVal& v, CallArgs& a) {
  const Value& x = v.val();
  const Value& y = Arg(a, 0, "other", "sameas");
  // Python `is`: singletons (None, True, False) and small ints compare by
  // identity; containers only when they are the same object.
  if (x.is_null() || y.is_null()) return x.is_null() && y.is_null();
  if (x.is_bool() || y.is_bool()) return x.is_bool() && y.is_bool() && x.as_bool() == y.as_bool();
  if (x.is_int() && y.is_int())
    return x.as_int() == y.as_int() && x.as_int() >= -5 && x.as_int() <= 256;
  if (x.is_list() && y.is_list()) return &x.as_list() == &y.as_list();
  if (x.is_map() && y.is_map()) return &x.as_map() == &y.as_map();
  if (x.is_string() && y.is_string()) return x.as_string() == y.as_string();
  return false;
}
bool TLower(Renderer&, const TVal& v, CallArgs&) {
  std::string s = PyStrOf(v);
  bool cased = false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return false;
    cased = cased || (c >= 'a' && c <= 'z');
  }
  return cased;
}
bool TUpper(Renderer&, const TVal& v, CallArgs&) {
  std::string s = PyStrOf(v);
  bool cased = false;
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
    cased = cased || (c >= 'A' && c <= 'Z');
  }
  return cased;
}
bool TEscaped(Renderer&, const TVal& v, CallArgs&) {
  return v.markup;
}
bool TFilter(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_string() && FindFilter(v.v.as_string()) != nullptr;
}
bool TTest(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_string() && FindTest(v.v.as_string()) != nullptr;
}

// ---- Ansible ----

RegexFlags Flags(const CallArgs& a, size_t ic_pos, size_t ml_pos) {
  RegexFlags f;
  if (const TVal* t = a.Get(ic_pos, "ignorecase")) f.ignorecase = t->val().truthy();
  if (const TVal* t = a.Get(ml_pos, "multiline")) f.multiline = t->val().truthy();
  return f;
}

bool RegexTest(const TVal& v, CallArgs& a, std::string match_type) {
  const Value& x = v.val();
  std::string pattern = PyStr(Arg(a, 0, "pattern", "regex"));
  if (const TVal* mt = a.Get(3, "match_type")) match_type = PyStr(mt->val());
  RegexFlags f = Flags(a, 1, 2);
  auto re = Regex::Compile(pattern, f);
  std::string s = x.is_string() ? x.as_string() : PyStr(x);
  RegexMatch m;
  if (match_type == "match") return re->Search(s, 0, &m, true);
  if (match_type == "fullmatch") {
    auto full = Regex::Compile("(?:" + pattern + ")\\z", f);
    return full->Search(s, 0, &m, true);
  }
  return re->Search(s, 0, &m, false);
}
bool TMatch(Renderer&, const TVal& v, CallArgs& a) {
  return RegexTest(v, a, "match");
}
bool TSearch(Renderer&, const TVal& v, CallArgs& a) {
  return RegexTest(v, a, "search");
}
bool TRegex(Renderer&, const TVal& v, CallArgs& a) {
  return RegexTest(v, a, "search");
}

bool TVersion(Renderer&, const TVal& v, CallArgs& a) {
  const Value& x = v.val();
  const Value& other = Arg(a, 0, "version", "version");
  std::string op = "eq";
  if (const TVal* o = a.Get(1, "operator")) op = PyStr(o->val());
  const TVal* strict = a.Get(2, "strict");
  const TVal* vtype = a.Get(3, "version_type");
  std::string type = "loose";
  if (strict && vtype && !strict->val().is_null() && !vtype->val().is_null())
    Fail("Cannot specify both 'strict' and 'version_type'");
  if (strict && strict->val().truthy()) type = "strict";
  if (vtype && !vtype->val().is_null()) type = PyStr(vtype->v);
  return VersionCompare(x, other, op, type);
}

void RequireList(const Value& v, std::string_view test) {
  if (!v.is_list() && !v.is_string() && !v.is_map())
    Fail(std::string("'") + std::string(v.type_name()) + "' object is not iterable (" +
         std::string(test) + ")");
}
bool TSubset(Renderer&, const TVal& v, CallArgs& a) {
  const Value& x = v.val();
  const Value& y = Arg(a, 0, "b", "subset");
  RequireList(x, "subset");
  for (const Value& e : PyIter(x))
    if (!PyContains(Value(PyIter(y)), e)) return false;
  return true;
}
bool TSuperset(Renderer&, const TVal& v, CallArgs& a) {
  const Value& x = v.val();
  const Value& y = Arg(a, 0, "b", "superset");
  RequireList(y, "superset");
  for (const Value& e : PyIter(y))
    if (!PyContains(Value(PyIter(x)), e)) return false;
  return true;
}
bool TContains(Renderer&, const TVal& v, CallArgs& a) {
  return PyContains(v.val(), Arg(a, 0, "item", "contains"));
}
bool TAny(Renderer&, const TVal& v, CallArgs&) {
  for (const Value& e : PyIter(v.val()))
    if (e.truthy()) return true;
  return false;
}
bool TAll(Renderer&, const TVal& v, CallArgs&) {
  for (const Value& e : PyIter(v.val()))
    if (!e.truthy()) return false;
  return true;
}

const Map& ResultMap(const TVal& v, std::string_view test) {
  const Value& x = v.val();
  if (!x.is_map()) Fail("The '" + std::string(test) + "' test expects a dictionary");
  return x.as_map();
}
bool Flag(const Map& m, std::string_view key) {
  const Value* f = m.find(key);
  return f && f->truthy();
}
bool TFailed(Renderer&, const TVal& v, CallArgs&) {
  return Flag(ResultMap(v, "failed"), "failed");
}
bool TSuccess(Renderer&, const TVal& v, CallArgs&) {
  return !Flag(ResultMap(v, "success"), "failed");
}
bool TChanged(Renderer&, const TVal& v, CallArgs&) {
  const Map& m = ResultMap(v, "changed");
  if (const Value* f = m.find("changed")) return f->truthy();
  if (const Value* res = m.find("results"); res && res->is_list()) {
    for (const Value& r : res->as_list())
      if (r.is_map() && Flag(r.as_map(), "changed")) return true;
  }
  return false;
}
bool TSkipped(Renderer&, const TVal& v, CallArgs&) {
  return Flag(ResultMap(v, "skipped"), "skipped");
}
bool TReachable(Renderer&, const TVal& v, CallArgs&) {
  return !Flag(ResultMap(v, "reachable"), "unreachable");
}
bool TUnreachable(Renderer&, const TVal& v, CallArgs&) {
  return Flag(ResultMap(v, "unreachable"), "unreachable");
}
bool TFinished(Renderer&, const TVal& v, CallArgs&) {
  const Map& m = ResultMap(v, "finished");
  const Value* f = m.find("finished");
  return !f || f->truthy();
}
bool TStarted(Renderer&, const TVal& v, CallArgs&) {
  const Map& m = ResultMap(v, "started");
  const Value* f = m.find("started");
  return !f || f->truthy();
}

bool TTruthy(Renderer&, const TVal& v, CallArgs& a) {
  const Value& x = v.val();
  const TVal* cb = a.Get(0, "convert_bool");
  if (cb && cb->val().truthy()) {
    std::string s = PyLower(PyStr(x));
    if (x.is_bool()) return x.as_bool();
    for (auto t : {"y", "yes", "on", "1", "true", "t", "1.0"})
      if (s == t) return true;
    for (auto f : {"n", "no", "off", "0", "false", "f", "0.0"})
      if (s == f) return false;
  }
  return x.truthy();
}
bool TFalsy(Renderer& r, const TVal& v, CallArgs& a) {
  return !TTruthy(r, v, a);
}

bool TNan(Renderer&, const TVal& v, CallArgs&) {
  const Value& x = v.val();
  return x.is_float() && std::isnan(x.as_float());
}

bool StatPath(const TVal& v, struct stat* st, bool follow = true) {
  std::string p = PyStrOf(v);
  return (follow ? stat(p.c_str(), st) : lstat(p.c_str(), st)) == 0;
}
bool TFile(Renderer&, const TVal& v, CallArgs&) {
  struct stat st;
  return StatPath(v, &st) && S_ISREG(st.st_mode);
}
bool TDirectory(Renderer&, const TVal& v, CallArgs&) {
  struct stat st;
  return StatPath(v, &st) && S_ISDIR(st.st_mode);
}
bool TExists(Renderer&, const TVal& v, CallArgs&) {
  struct stat st;
  return StatPath(v, &st);
}
bool TLink(Renderer&, const TVal& v, CallArgs&) {
  struct stat st;
  return StatPath(v, &st, false) && S_ISLNK(st.st_mode);
}
bool TAbs(Renderer&, const TVal& v, CallArgs&) {
  std::string p = PyStrOf(v);
  return !p.empty() && p[0] == '/';
}
bool TVaultEncrypted(Renderer&, const TVal& v, CallArgs&) {
  return v.is_value() && v.v.is_vault();
}

}  // namespace

void RegisterTests(TestTable& t) {
  t["defined"] = TDefined;
  t["undefined"] = TUndefined;
  t["none"] = TNone;
  t["number"] = TNumber;
  t["string"] = TString;
  t["mapping"] = TMapping;
  t["sequence"] = TSequence;
  t["iterable"] = TIterable;
  t["boolean"] = TBoolean;
  t["true"] = TTrue;
  t["false"] = TFalse;
  t["integer"] = TInteger;
  t["float"] = TFloat;
  t["callable"] = TCallable;
  t["even"] = TEven;
  t["odd"] = TOdd;
  t["divisibleby"] = TDivisibleBy;
  t["equalto"] = t["eq"] = t["=="] = TEq;
  t["ne"] = t["!="] = TNe;
  t["lt"] = t["lessthan"] = t["<"] = TLt;
  t["le"] = t["<="] = TLe;
  t["gt"] = t["greaterthan"] = t[">"] = TGt;
  t["ge"] = t[">="] = TGe;
  t["in"] = TIn;
  t["sameas"] = TSameAs;
  t["lower"] = TLower;
  t["upper"] = TUpper;
  t["escaped"] = TEscaped;
  t["filter"] = TFilter;
  t["test"] = TTest;
  // Ansible
  t["match"] = TMatch;
  t["search"] = TSearch;
  t["regex"] = TRegex;
  t["version"] = t["version_compare"] = TVersion;
  t["subset"] = t["issubset"] = TSubset;
  t["superset"] = t["issuperset"] = TSuperset;
  t["contains"] = TContains;
  t["any"] = TAny;
  t["all"] = TAll;
  t["failed"] = t["failure"] = TFailed;
  t["success"] = t["succeeded"] = t["successful"] = TSuccess;
  t["changed"] = t["change"] = TChanged;
  t["skipped"] = t["skip"] = TSkipped;
  t["reachable"] = TReachable;
  t["unreachable"] = TUnreachable;
  t["finished"] = TFinished;
  t["started"] = TStarted;
  t["truthy"] = TTruthy;
  t["falsy"] = TFalsy;
  t["nan"] = t["isnan"] = TNan;
  t["file"] = t["is_file"] = TFile;
  t["directory"] = t["is_dir"] = TDirectory;
  t["exists"] = TExists;
  t["link"] = t["is_link"] = TLink;
  t["abs"] = t["is_abs"] = TAbs;
  t["vault_encrypted"] = TVaultEncrypted;
}

}  // namespace drover::tmpl
