// Ansible's filters (ansible-core 2.14: plugins/filter/core.py,
// mathstuff.py, urlsplit.py, urls.py).
#include <openssl/evp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "core/json.h"
#include "core/yaml.h"
#include "template/ansible_extras.h"
#include "template/datetime.h"
#include "template/regex.h"
#include "template/runtime.h"

namespace drover::tmpl {
namespace {

bool BoolArg(const CallArgs& a, size_t i, std::string_view name, bool dflt) {
  const TVal* t = a.Get(i, name);
  return t ? t->val().truthy() : dflt;
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
// to_text(value, nonstring='simplerepr')
std::string Text(const TVal& t) {
  return PyStrOf(t);
}

// ---- JSON / YAML ----

JsonStyle JsonKw(const CallArgs& a, JsonStyle st, size_t first_pos) {
  for (auto& [k, v] : a.kw) {
    if (k == "indent")
      st.indent = v.val().is_null() ? -1 : static_cast<int>(PyInt(v.v));
    else if (k == "sort_keys")
      st.sort_keys = v.val().truthy();
    else if (k == "ensure_ascii")
      st.ensure_ascii = v.val().truthy();
    else if (k == "separators") {
      const Value& s = v.val();
      if (s.is_list() && s.as_list().size() == 2) {
        st.item_sep = PyStr(s.as_list()[0]);
        st.key_sep = PyStr(s.as_list()[1]);
      }
    } else if (k == "vault_to_text" || k == "preprocess_unsafe") {
    } else {
      Fail("to_json() got an unexpected keyword argument '" + k + "'");
    }
  }
  if (a.pos.size() > first_pos) Fail("to_json() takes 1 positional argument");
  return st;
}

TVal FToJson(Renderer&, const TVal& in, CallArgs& a) {
  JsonStyle st = JsonKw(a, JsonStyle{}, 0);
  return Value(ToJson(in.val(), st));
}

TVal FToNiceJson(Renderer&, const TVal& in, CallArgs& a) {
  JsonStyle st;
  st.indent = 4;
  st.sort_keys = true;
  st.item_sep = ",";
  if (const TVal* i = a.Get(0, "indent")) st.indent = static_cast<int>(PyInt(i->val()));
  if (const TVal* s = a.Get(1, "sort_keys")) st.sort_keys = s->val().truthy();
  CallArgs rest;
  for (auto& [k, v] : a.kw)
    if (k != "indent" && k != "sort_keys") rest.kw.emplace_back(k, v);
  st = JsonKw(rest, st, 0);
  return Value(ToJson(in.val(), st));
}

TVal FFromJson(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (!v.is_string())
    Fail("the JSON object must be str, bytes or bytearray, not " + std::string(v.type_name()));
  Result<Value> r = ParseJson(v.as_string(), "<from_json>");
  if (!r) Fail(r.error().message);
  return *r;
}

TVal FFromYaml(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (!v.is_string()) return v;
  Result<Value> r = LoadYaml(v.as_string(), "<from_yaml>");
  if (!r) Fail(r.error().message);
  return *r;
}

TVal FToYaml(Renderer&, const TVal& in, CallArgs& a) {
  YamlDumpStyle st;
  for (auto& [k, v] : a.kw) {
    if (k == "indent")
      st.indent = static_cast<int>(PyInt(v.val()));
    else if (k == "default_flow_style")
      st.flow = v.val().is_null() ? -1 : v.v.truthy() ? 1 : 0;
    else if (k == "width")
      st.width = static_cast<int>(PyInt(v.val()));
    else if (k == "sort_keys")
      st.sort_keys = v.val().truthy();
    else if (k == "explicit_start")
      st.explicit_start = v.val().truthy();
    else if (k == "allow_unicode") {
    } else
      Fail("to_yaml() got an unexpected keyword argument '" + k + "'");
  }
  return Value(DumpYaml(in.val(), st));
}

TVal FToNiceYaml(Renderer&, const TVal& in, CallArgs& a) {
  YamlDumpStyle st;
  st.indent = 4;
  st.flow = 0;
  if (!a.pos.empty()) st.indent = static_cast<int>(PyInt(a.pos[0].val()));
  for (auto& [k, v] : a.kw) {
    if (k == "indent")
      st.indent = static_cast<int>(PyInt(v.val()));
    else if (k == "width")
      st.width = static_cast<int>(PyInt(v.val()));
    else if (k == "sort_keys")
      st.sort_keys = v.val().truthy();
    else if (k == "explicit_start")
      st.explicit_start = v.val().truthy();
    else if (k == "allow_unicode") {
    } else
      Fail("to_nice_yaml() got an unexpected keyword argument '" + k + "'");
  }
  return Value(DumpYaml(in.val(), st));
}

// ---- base64 / hashes ----

TVal FB64Encode(Renderer&, const TVal& in, CallArgs&) {
  std::string s = Text(in);
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return Value(out);
}

TVal FB64Decode(Renderer&, const TVal& in, CallArgs&) {
  std::string s = Text(in);
  std::string clean;
  for (char c : s)
    if (isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=') clean += c;
  if (clean.size() % 4 != 0) Fail("Incorrect padding");
  std::string out(clean.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) Fail("Invalid base64-encoded string");
  size_t pad = 0;
  if (!clean.empty() && clean.back() == '=') ++pad;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return Value(out);
}

std::string HexDigest(const std::string& algo, const std::string& data) {
  const EVP_MD* md = EVP_get_digestbyname(algo.c_str());
  if (!md) Fail("unsupported hash type " + algo);
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), buf, &len, md, nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[buf[i] >> 4];
    out += hex[buf[i] & 15];
  }
  return out;
}

TVal FHash(Renderer&, const TVal& in, CallArgs& a) {
  return Value(HexDigest(StrArg(a, 0, "hashtype", "sha1"), Text(in)));
}
TVal FSha1(Renderer&, const TVal& in, CallArgs&) {
  return Value(HexDigest("sha1", Text(in)));
}
TVal FMd5(Renderer&, const TVal& in, CallArgs&) {
  return Value(HexDigest("md5", Text(in)));
}

TVal FPasswordHash(Renderer&, const TVal& in, CallArgs& a) {
  std::string type = StrArg(a, 0, "hashtype", "sha512");
  const TVal* salt = a.Get(1, "salt");
  const TVal* rounds = a.Get(3, "rounds");
  if (type != "sha512" && type != "sha512_crypt" && type != "sha256" && type != "sha256_crypt")
    Fail("password_hash: drover supports sha512 and sha256 (crypt) only, not " + type);
  bool sha512 = type.rfind("sha512", 0) == 0;
  std::string s = salt && !salt->val().is_null() ? PyStr(salt->v) : RandomSalt(16);
  for (char c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/'))
      Fail("invalid characters in salt");
  if (s.size() > 16) Fail("invalid salt size");
  // Ansible (with passlib) defaults to passlib's rounds and prints them.
  int64_t r = rounds && !rounds->val().is_null() ? PyInt(rounds->v) : (sha512 ? 656000 : 535000);
  return Value(ShaCrypt(Text(in), s, r, sha512));
}

// ---- regex ----

RegexFlags Flags(const CallArgs& a, size_t ic, size_t ml) {
  RegexFlags f;
  if (const TVal* t = a.Get(ic, "ignorecase")) f.ignorecase = t->val().truthy();
  if (const TVal* t = a.Get(ml, "multiline")) f.multiline = t->val().truthy();
  return f;
}

TVal FRegexReplace(Renderer&, const TVal& in, CallArgs& a) {
  a.Check("regex_replace", 4, {"pattern", "replacement", "ignorecase", "multiline"});
  std::string s = Text(in);
  std::string pattern = StrArg(a, 0, "pattern", "");
  std::string repl = StrArg(a, 1, "replacement", "");
  RegexFlags f = Flags(a, 2, 3);
  return Value(Regex::Compile(pattern, f)->Sub(s, repl));
}

TVal FRegexFindall(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = Text(in);
  std::string pattern = PyStr(Req(a, 0, "regex", "regex_findall"));
  RegexFlags f = Flags(a, 2, 1);
  auto re = Regex::Compile(pattern, f);
  List out;
  for (const RegexMatch& m : re->FindAll(s)) {
    size_t g = re->GroupCount();
    if (g == 0) {
      out.emplace_back(m.Group(s, 0));
    } else if (g == 1) {
      out.emplace_back(m.Group(s, 1));
    } else {
      List t;
      for (size_t i = 1; i <= g; ++i) t.emplace_back(m.Group(s, i));
      out.push_back(Tuple(std::move(t)));
    }
  }
  return Value(std::move(out));
}

TVal FRegexSearch(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = Text(in);
  if (a.pos.empty()) Fail("regex_search() missing required argument: 'regex'");
  std::string pattern = PyStrOf(a.pos[0]);
  std::vector<std::string> groups;
  for (size_t i = 1; i < a.pos.size(); ++i) groups.push_back(PyStrOf(a.pos[i]));
  RegexFlags f;
  for (auto& [k, v] : a.kw) {
    if (k == "ignorecase")
      f.ignorecase = v.val().truthy();
    else if (k == "multiline")
      f.multiline = v.val().truthy();
  }
  auto re = Regex::Compile(pattern, f);
  RegexMatch m;
  if (!re->Search(s, 0, &m)) return Value();
  if (groups.empty()) return Value(m.Group(s, 0));
  List out;
  for (const std::string& g : groups) {
    if (g.rfind("\\g", 0) == 0) {
      size_t lt = g.find('<'), gt = g.find('>');
      if (lt == std::string::npos || gt == std::string::npos) Fail("Unknown argument");
      std::string name = g.substr(lt + 1, gt - lt - 1);
      int idx =
          isdigit(static_cast<unsigned char>(name[0])) ? std::stoi(name) : re->GroupIndex(name);
      if (idx < 0 || static_cast<size_t>(idx) > re->GroupCount()) Fail("no such group");
      if (!m.Participated(static_cast<size_t>(idx)))
        out.emplace_back();
      else
        out.emplace_back(m.Group(s, static_cast<size_t>(idx)));
    } else if (g.rfind("\\", 0) == 0) {
      size_t idx = static_cast<size_t>(std::stoul(g.substr(1)));
      if (idx > re->GroupCount()) Fail("no such group");
      if (!m.Participated(idx))
        out.emplace_back();
      else
        out.emplace_back(m.Group(s, idx));
    } else {
      Fail("Unknown argument");
    }
  }
  return Value(std::move(out));
}

TVal FRegexEscape(Renderer&, const TVal& in, CallArgs& a) {
  std::string type = StrArg(a, 0, "re_type", "python");
  std::string s = Text(in);
  if (type == "python") return Value(RegexEscape(s));
  if (type == "posix_basic") return Value(Regex::Compile(R"(([].[^$*\\]))")->Sub(s, R"(\\\1)"));
  if (type == "posix_extended") Fail("Regex type (" + type + ") not yet implemented");
  Fail("Invalid regex type (" + type + ")");
}

// ---- paths ----

TVal FBasename(Renderer&, const TVal& in, CallArgs&) {
  std::string p = Text(in);
  size_t s = p.rfind('/');
  return Value(s == std::string::npos ? p : p.substr(s + 1));
}

TVal FDirname(Renderer&, const TVal& in, CallArgs&) {
  std::string p = Text(in);
  size_t s = p.rfind('/');
  if (s == std::string::npos) return Value("");
  std::string head = p.substr(0, s + 1);
  // strip trailing slashes unless head is all slashes
  if (head.find_first_not_of('/') != std::string::npos)
    while (!head.empty() && head.back() == '/') head.pop_back();
  return Value(head);
}

TVal FExpanduser(Renderer&, const TVal& in, CallArgs&) {
  std::string p = Text(in);
  if (p.empty() || p[0] != '~') return Value(p);
  size_t slash = p.find('/');
  std::string user = p.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::string home;
  if (user.empty()) {
    const char* h = getenv("HOME");
    if (h)
      home = h;
    else if (struct passwd* pw = getpwuid(getuid()))
      home = pw->pw_dir;
  } else {
    struct passwd* pw = getpwnam(user.c_str());
    if (!pw) return Value(p);
    home = pw->pw_dir;
  }
  if (home.size() > 1 && home.back() == '/') home.pop_back();
  return Value(home + (slash == std::string::npos ? "" : p.substr(slash)));
}

std::string NormPath(const std::string& p) {
  if (p.empty()) return ".";
  bool abs = p[0] == '/';
  int initial = abs ? ((p.size() > 1 && p[1] == '/' && (p.size() == 2 || p[2] != '/')) ? 2 : 1) : 0;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= p.size()) {
    size_t e = p.find('/', start);
    std::string c = p.substr(start, e == std::string::npos ? std::string::npos : e - start);
    if (c.empty() || c == ".") {
    } else if (c == ".." && (!parts.empty() && parts.back() != "..")) {
      parts.pop_back();
    } else if (c == ".." && abs) {
    } else {
      parts.push_back(c);
    }
    if (e == std::string::npos) break;
    start = e + 1;
  }
  std::string out(static_cast<size_t>(initial), '/');
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out.empty() ? "." : out;
}

TVal FRealpath(Renderer&, const TVal& in, CallArgs&) {
  std::string p = Text(in);
  char buf[PATH_MAX];
  if (realpath(p.c_str(), buf)) return Value(std::string(buf));
  if (!p.empty() && p[0] != '/') {
    if (getcwd(buf, sizeof buf)) p = std::string(buf) + "/" + p;
  }
  return Value(NormPath(p));
}

TVal FRelpath(Renderer&, const TVal& in, CallArgs& a) {
  std::string p = NormPath(Text(in));
  std::string start = NormPath(StrArg(a, 0, "start", "."));
  char buf[PATH_MAX];
  std::string cwd = getcwd(buf, sizeof buf) ? buf : "/";
  if (p[0] != '/') p = NormPath(cwd + "/" + p);
  if (start[0] != '/') start = NormPath(cwd + "/" + start);
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    size_t b = 0;
    while (b < s.size()) {
      size_t e = s.find('/', b);
      if (e == std::string::npos) e = s.size();
      if (e > b) v.push_back(s.substr(b, e - b));
      b = e + 1;
    }
    return v;
  };
  auto pa = split(p), sa = split(start);
  size_t i = 0;
  while (i < pa.size() && i < sa.size() && pa[i] == sa[i]) ++i;
  std::string out;
  for (size_t k = i; k < sa.size(); ++k) out += (out.empty() ? "" : "/") + std::string("..");
  for (size_t k = i; k < pa.size(); ++k) out += (out.empty() ? "" : "/") + pa[k];
  return Value(out.empty() ? "." : out);
}

TVal FSplitext(Renderer&, const TVal& in, CallArgs&) {
  std::string p = Text(in);
  size_t slash = p.rfind('/');
  size_t dot = p.rfind('.');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  if (dot == std::string::npos || dot < base) return Tuple(List{Value(p), Value("")});
  // leading dots of the basename do not start an extension
  size_t k = base;
  while (k < p.size() && p[k] == '.') ++k;
  if (dot < k) return Tuple(List{Value(p), Value("")});
  return Tuple(List{Value(p.substr(0, dot)), Value(p.substr(dot))});
}

TVal FPathJoin(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (v.is_string()) return v;
  if (!v.is_list())
    Fail("|path_join expects string or sequence, got " + std::string(v.type_name()) + " instead.");
  std::string out;
  for (const Value& p : v.as_list()) {
    std::string s = PyStr(p);
    if (!s.empty() && s[0] == '/')
      out = s;
    else if (out.empty() || out.back() == '/')
      out += s;
    else
      out += "/" + s;
  }
  return Value(out);
}

TVal FWinBasename(Renderer&, const TVal& in, CallArgs&) {
  std::string p = Text(in);
  size_t s = p.find_last_of("/\\:");
  return Value(s == std::string::npos ? p : p.substr(s + 1));
}
TVal FWinDirname(Renderer&, const TVal& in, CallArgs&) {
  std::string p = Text(in);
  size_t s = p.find_last_of("/\\");
  if (s == std::string::npos) {
    size_t c = p.find(':');
    return Value(c == std::string::npos ? "" : p.substr(0, c + 1));
  }
  std::string head = p.substr(0, s);
  return Value(head.empty() ? p.substr(0, 1) : head);
}

// ---- logic ----

TVal FBool(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  if (v.is_null() || v.is_bool()) return v;
  if (v.is_string()) {
    std::string s = PyLower(v.as_string());
    return Value(s == "yes" || s == "on" || s == "1" || s == "true");
  }
  if (IsPyInt(v) || v.is_float()) return Value(v.as_number() == 1);
  return Value(false);
}

TVal FTernary(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  const TVal* t = a.Get(0, "true_val");
  const TVal* f = a.Get(1, "false_val");
  const TVal* n = a.Get(2, "none_val");
  if (!t || !f) Fail("ternary() missing required arguments");
  if (v.is_null() && n && !n->val().is_null()) return *n;
  return v.truthy() ? *t : *f;
}

TVal FMandatory(Renderer&, const TVal& in, CallArgs& a) {
  if (in.undefined()) {
    if (const TVal* msg = a.Get(0, "msg"); msg && !msg->val().is_null()) Fail(PyStr(msg->v));
    std::string name;
    const std::string& m = *in.undefined_msg;
    if (m.size() > 15 && m[0] == '\'' && m.ends_with("' is undefined"))
      name = m.substr(0, m.size() - 13) + " ";
    Fail("Mandatory variable " + name + "not defined.");
  }
  return in;
}

TVal FTypeDebug(Renderer&, const TVal& in, CallArgs&) {
  if (in.undefined()) return Value("AnsibleUndefined");
  if (in.is_obj()) return Value(in.obj->TypeName());
  return Value(std::string(in.v.type_name()));
}

// ---- data ----

Value MergeHash(const Value& x, const Value& y, bool recursive, const std::string& list_merge) {
  if (!x.is_map() || !y.is_map())
    Fail("failed to combine variables, expected dicts but got a '" + std::string(x.type_name()) +
         "' and a '" + std::string(y.type_name()) + "'");
  if (x.as_map().empty() || x == y) return Value(Map(y.as_map()));
  Map out(x.as_map());
  for (auto& [k, yv] : y.as_map()) {
    Value* xv = out.find(k);
    if (!xv) {
      out.set(k, yv);
      continue;
    }
    if (xv->is_map() && yv.is_map()) {
      *xv = recursive ? MergeHash(*xv, yv, recursive, list_merge) : yv;
      continue;
    }
    if (xv->is_list() && yv.is_list()) {
      const List& xl = xv->as_list();
      const List& yl = yv.as_list();
      List r;
      auto not_in_y = [&](const Value& z) {
        return std::find(yl.begin(), yl.end(), z) == yl.end();
      };
      if (list_merge == "replace") {
        *xv = yv;
        continue;
      } else if (list_merge == "keep") {
        continue;
      } else if (list_merge == "append") {
        r = xl;
        r.insert(r.end(), yl.begin(), yl.end());
      } else if (list_merge == "prepend") {
        r = yl;
        r.insert(r.end(), xl.begin(), xl.end());
      } else if (list_merge == "append_rp") {
        for (auto& z : xl)
          if (not_in_y(z)) r.push_back(z);
        r.insert(r.end(), yl.begin(), yl.end());
      } else if (list_merge == "prepend_rp") {
        r = yl;
        for (auto& z : xl)
          if (not_in_y(z)) r.push_back(z);
      }
      *xv = Value(std::move(r));
      continue;
    }
    *xv = yv;
  }
  return Value(std::move(out));
}

List Flatten(const List& l, int64_t levels, bool skip_nulls) {
  List ret;
  for (const Value& e : l) {
    if (skip_nulls &&
        (e.is_null() || (e.is_string() && (e.as_string() == "None" || e.as_string() == "null"))))
      continue;
    if (e.is_list()) {
      if (levels < 0) {
        List sub = Flatten(e.as_list(), -1, skip_nulls);
        ret.insert(ret.end(), sub.begin(), sub.end());
      } else if (levels >= 1) {
        List sub = Flatten(e.as_list(), levels - 1, skip_nulls);
        ret.insert(ret.end(), sub.begin(), sub.end());
      } else {
        ret.push_back(e);
      }
    } else {
      ret.push_back(e);
    }
  }
  return ret;
}

TVal FCombine(Renderer&, const TVal& in, CallArgs& a) {
  bool recursive = false;
  std::string list_merge = "replace";
  for (auto& [k, v] : a.kw) {
    if (k == "recursive")
      recursive = v.val().truthy();
    else if (k == "list_merge")
      list_merge = PyStr(v.val());
    else
      Fail("'recursive' and 'list_merge' are the only valid keyword arguments");
  }
  static const char* const kModes[] = {"replace", "keep",      "append",
                                       "prepend", "append_rp", "prepend_rp"};
  if (std::none_of(std::begin(kModes), std::end(kModes),
                   [&](const char* m) { return list_merge == m; }))
    Fail(
        "merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', "
        "'prepend', 'append_rp' or 'prepend_rp'");
  List terms{in.val()};
  for (auto& p : a.pos) terms.push_back(p.val());
  List dicts = Flatten(terms, 1, true);
  if (dicts.empty()) return Value(Map{});
  if (dicts.size() == 1) return dicts[0];
  Value result = dicts.back();
  for (size_t i = dicts.size() - 1; i-- > 0;)
    result = MergeHash(dicts[i], result, recursive, list_merge);
  return result;
}

TVal FDict2Items(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  if (!v.is_map())
    Fail("dict2items requires a dictionary, got <class '" + std::string(v.type_name()) +
         "'> instead.");
  std::string kn = StrArg(a, 0, "key_name", "key"), vn = StrArg(a, 1, "value_name", "value");
  List out;
  for (auto& [k, x] : v.as_map()) {
    Map m;
    m.set(kn, Value(k));
    m.set(vn, x);
    out.emplace_back(std::move(m));
  }
  return Value(std::move(out));
}

TVal FItems2Dict(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  if (!v.is_list())
    Fail("items2dict requires a list, got <class '" + std::string(v.type_name()) + "'> instead.");
  std::string kn = StrArg(a, 0, "key_name", "key"), vn = StrArg(a, 1, "value_name", "value");
  Map out;
  for (const Value& item : v.as_list()) {
    if (!item.is_map())
      Fail("items2dict requires a list of dictionaries, got " + PyStr(v) + " instead.");
    const Value* k = item.as_map().find(kn);
    const Value* x = item.as_map().find(vn);
    if (!k || !x)
      Fail("items2dict requires each dictionary in the list to contain the keys '" + kn +
           "' and '" + vn + "', got " + PyStr(v) + " instead.");
    out.set(k->is_string() ? k->as_string() : PyStr(*k), *x);
  }
  return Value(std::move(out));
}

TVal FFlatten(Renderer&, const TVal& in, CallArgs& a) {
  const TVal* lv = a.Get(0, "levels");
  int64_t levels = lv && !lv->val().is_null() ? PyInt(lv->v) : -1;
  bool skip = BoolArg(a, 1, "skip_nulls", true);
  return Value(Flatten(PyIter(in.val()), levels, skip));
}

TVal FZip(Renderer&, const TVal& in, CallArgs& a) {
  std::vector<List> seqs{PyIter(in.val())};
  for (auto& p : a.pos) seqs.push_back(PyIter(p.val()));
  size_t n = SIZE_MAX;
  for (auto& s : seqs) n = std::min(n, s.size());
  List out;
  for (size_t i = 0; i < n; ++i) {
    List t;
    for (auto& s : seqs) t.push_back(s[i]);
    out.push_back(Tuple(std::move(t)));
  }
  return Value(std::move(out));
}

TVal FZipLongest(Renderer&, const TVal& in, CallArgs& a) {
  std::vector<List> seqs{PyIter(in.val())};
  for (auto& p : a.pos) seqs.push_back(PyIter(p.val()));
  Value fill;
  for (auto& [k, v] : a.kw)
    if (k == "fillvalue") fill = v.val();
  size_t n = 0;
  for (auto& s : seqs) n = std::max(n, s.size());
  List out;
  for (size_t i = 0; i < n; ++i) {
    List t;
    for (auto& s : seqs) t.push_back(i < s.size() ? s[i] : fill);
    out.push_back(Tuple(std::move(t)));
  }
  return Value(std::move(out));
}

TVal FProduct(Renderer&, const TVal& in, CallArgs& a) {
  std::vector<List> seqs{PyIter(in.val())};
  for (auto& p : a.pos) seqs.push_back(PyIter(p.val()));
  int64_t repeat = 1;
  for (auto& [k, v] : a.kw)
    if (k == "repeat") repeat = PyInt(v.val());
  // The size is known before building anything: fail at once when it is
  // larger than a template may build (a huge `repeat` included).
  constexpr size_t kMaxCombinations = 1000000;
  if (repeat > static_cast<int64_t>(kMaxCombinations))
    Fail("product() too large: repeat=" + std::to_string(repeat) +
         " (drover's limit for values built in a template is " + std::to_string(kMaxCombinations) +
         ")");
  size_t combinations = 1;
  for (int64_t r = 0; r < repeat && combinations > 0; ++r)
    for (const List& seq : seqs) {
      if (seq.empty()) {
        combinations = 0;
        break;
      }
      if (combinations > kMaxCombinations / seq.size())
        Fail("product() too large: more than " + std::to_string(kMaxCombinations) +
             " combinations (drover's limit for values built in a template)");
      combinations *= seq.size();
    }
  if (combinations == 0) return Value(List{});
  std::vector<List> pools;
  for (int64_t r = 0; r < repeat; ++r) pools.insert(pools.end(), seqs.begin(), seqs.end());
  List result{Tuple(List{})};
  for (auto& pool : pools) {
    List next;
    for (const Value& x : result)
      for (const Value& y : pool) {
        List t = x.as_list();
        t.push_back(y);
        next.push_back(Tuple(std::move(t)));
      }
    result = std::move(next);
  }
  return Value(std::move(result));
}

void Combos(const List& pool, size_t r, size_t start, List& cur, List& out) {
  if (cur.size() == r) {
    out.push_back(Tuple(List(cur)));
    return;
  }
  for (size_t i = start; i < pool.size(); ++i) {
    cur.push_back(pool[i]);
    Combos(pool, r, i + 1, cur, out);
    cur.pop_back();
  }
}

TVal FCombinations(Renderer&, const TVal& in, CallArgs& a) {
  List pool = PyIter(in.val());
  int64_t r = PyInt(Req(a, 0, "r", "combinations"));
  List out, cur;
  if (r >= 0 && static_cast<size_t>(r) <= pool.size())
    Combos(pool, static_cast<size_t>(r), 0, cur, out);
  return Value(std::move(out));
}

void Perms(const List& pool, size_t r, std::vector<bool>& used, List& cur, List& out) {
  if (cur.size() == r) {
    out.push_back(Tuple(List(cur)));
    return;
  }
  for (size_t i = 0; i < pool.size(); ++i) {
    if (used[i]) continue;
    used[i] = true;
    cur.push_back(pool[i]);
    Perms(pool, r, used, cur, out);
    cur.pop_back();
    used[i] = false;
  }
}

TVal FPermutations(Renderer&, const TVal& in, CallArgs& a) {
  List pool = PyIter(in.val());
  const TVal* rv = a.Get(0, "r");
  size_t r = rv && !rv->val().is_null() ? static_cast<size_t>(PyInt(rv->v)) : pool.size();
  List out, cur;
  std::vector<bool> used(pool.size());
  if (r <= pool.size()) Perms(pool, r, used, cur, out);
  return Value(std::move(out));
}

List UniqueList(const List& l) {
  List out;
  for (const Value& x : l)
    if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
  return out;
}

TVal FIntersect(Renderer&, const TVal& in, CallArgs& a) {
  List x = PyIter(in.val()), y = PyIter(Req(a, 0, "b", "intersect"));
  List r;
  for (auto& e : x)
    if (std::find(y.begin(), y.end(), e) != y.end()) r.push_back(e);
  return Value(UniqueList(r));
}
TVal FDifference(Renderer&, const TVal& in, CallArgs& a) {
  List x = PyIter(in.val()), y = PyIter(Req(a, 0, "b", "difference"));
  List r;
  for (auto& e : x)
    if (std::find(y.begin(), y.end(), e) == y.end()) r.push_back(e);
  return Value(UniqueList(r));
}
TVal FUnion(Renderer&, const TVal& in, CallArgs& a) {
  List x = PyIter(in.val()), y = PyIter(Req(a, 0, "b", "union"));
  x.insert(x.end(), y.begin(), y.end());
  return Value(UniqueList(x));
}
TVal FSymmetricDifference(Renderer&, const TVal& in, CallArgs& a) {
  List x = PyIter(in.val()), y = PyIter(Req(a, 0, "b", "symmetric_difference"));
  List isect;
  for (auto& e : x)
    if (std::find(y.begin(), y.end(), e) != y.end()) isect.push_back(e);
  List u = x;
  u.insert(u.end(), y.begin(), y.end());
  List r;
  for (auto& e : UniqueList(u))
    if (std::find(isect.begin(), isect.end(), e) == isect.end()) r.push_back(e);
  return Value(r);
}

TVal FExtract(Renderer& r, const TVal& in, CallArgs& a) {
  if (a.pos.empty()) Fail("extract() missing required argument: 'container'");
  TVal value = a.pos[0];
  std::vector<TVal> keys{in};
  if (const TVal* more = a.Get(1, "morekeys"); more && !more->val().is_null()) {
    if (more->v.is_list())
      for (const Value& k : more->v.as_list()) keys.emplace_back(k);
    else
      keys.push_back(*more);
  }
  for (const TVal& k : keys) value = r.GetItem(value, k);
  return value;
}

TVal FSubelements(Renderer&, const TVal& in, CallArgs& a) {
  const Value& obj = in.val();
  List elements;
  if (obj.is_map()) {
    for (auto& [k, v] : obj.as_map()) elements.push_back(v);
  } else if (obj.is_list()) {
    elements = obj.as_list();
  } else {
    Fail("obj must be a list of dicts or a nested dict");
  }
  const Value& sub = Req(a, 0, "subelements", "subelements");
  bool skip_missing = BoolArg(a, 1, "skip_missing", false);
  std::vector<std::string> path;
  if (sub.is_list()) {
    for (auto& s : sub.as_list()) path.push_back(PyStr(s));
  } else if (sub.is_string()) {
    size_t b = 0;
    const std::string& s = sub.as_string();
    while (true) {
      size_t e = s.find('.', b);
      path.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
      if (e == std::string::npos) break;
      b = e + 1;
    }
  } else {
    Fail("subelements must be a list or a string");
  }
  List out;
  for (const Value& el : elements) {
    Value values = el;
    bool skip = false;
    for (const std::string& key : path) {
      if (!values.is_map())
        Fail("the key " + key + " should point to a dictionary, got '" + PyStr(values) + "'");
      const Value* f = values.as_map().find(key);
      if (!f) {
        if (skip_missing) {
          skip = true;
          break;
        }
        Fail("could not find " + PyRepr(Value(key)) + " key in iterated item " + PyRepr(values));
      }
      values = *f;
    }
    if (skip) continue;
    if (!values.is_list())
      Fail("the key " + PyRepr(Value(path.back())) + " should point to a list, got " +
           PyRepr(values));
    for (const Value& v : values.as_list()) out.push_back(Tuple(List{el, v}));
  }
  return Value(std::move(out));
}

TVal FRekeyOnMember(Renderer&, const TVal& in, CallArgs& a) {
  const Value& data = in.val();
  std::string key = PyStr(Req(a, 0, "key", "rekey_on_member"));
  std::string dup = StrArg(a, 1, "duplicates", "error");
  if (dup != "error" && dup != "overwrite")
    Fail("duplicates parameter to rekey_on_member has unknown value: " + dup);
  List items;
  if (data.is_map()) {
    for (auto& [k, v] : data.as_map()) items.push_back(v);
  } else if (data.is_list()) {
    items = data.as_list();
  } else {
    Fail("Type is not a valid list, set, or dict");
  }
  Map out;
  for (const Value& item : items) {
    if (!item.is_map()) Fail("List item is not a valid dict");
    const Value* k = item.as_map().find(key);
    if (!k) Fail("Key " + key + " was not found");
    std::string ks = PyStr(*k);
    const Value* existing = out.find(ks);
    if (existing && existing->truthy()) {
      if (dup == "error") Fail("Key " + ks + " is not unique, cannot correctly turn into dict");
    }
    out.set(ks, item);
  }
  return Value(std::move(out));
}

// ---- text ----

TVal FQuote(Renderer&, const TVal& in, CallArgs&) {
  const Value& v = in.val();
  std::string s = v.is_null() ? "" : PyStr(v);
  if (s.empty()) return Value("''");
  bool safe = true;
  for (char c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("@%+=:,./-_").find(c) != std::string_view::npos))
      safe = false;
  if (safe) return Value(s);
  std::string o = "'";
  for (char c : s) {
    if (c == '\'')
      o += "'\"'\"'";
    else
      o += c;
  }
  return Value(o + "'");
}

TVal FComment(Renderer&, const TVal& in, CallArgs& a) {
  std::string text = Text(in);
  std::string style = StrArg(a, 0, "style", "plain");
  struct StyleP {
    std::string beginning, decoration, end;
  };
  StyleP sp;
  if (style == "plain")
    sp.decoration = "# ";
  else if (style == "erlang")
    sp.decoration = "% ";
  else if (style == "c")
    sp.decoration = "// ";
  else if (style == "cblock")
    sp = {"/*", " * ", " */"};
  else if (style == "xml")
    sp = {"<!--", " - ", "-->"};
  else
    Fail("'" + style + "'");
  std::string prepostfix = sp.decoration;
  for (auto& [k, v] : a.kw)
    if (k == "decoration") prepostfix = PyStr(v.val());
  std::map<std::string, Value> p;
  p["newline"] = Value("\n");
  p["beginning"] = Value("");
  p["prefix"] = Value(PyStrip(prepostfix, nullptr, false, true));
  p["prefix_count"] = Value(static_cast<int64_t>(1));
  p["decoration"] = Value("");
  p["postfix"] = Value(PyStrip(prepostfix, nullptr, false, true));
  p["postfix_count"] = Value(static_cast<int64_t>(1));
  p["end"] = Value("");
  p["decoration"] = Value(sp.decoration);
  if (!sp.beginning.empty()) p["beginning"] = Value(sp.beginning);
  if (!sp.end.empty()) p["end"] = Value(sp.end);
  for (auto& [k, v] : a.kw) p[k] = v.val();
  auto S = [&](const char* k) { return PyStr(p[k]); };
  std::string nl = S("newline"), deco = S("decoration");
  std::string out;
  if (!S("beginning").empty()) out += S("beginning") + nl;
  if (!S("prefix").empty()) {
    int64_t n = PyInt(p["prefix_count"]);
    for (int64_t i = 0; i < n; ++i) out += S("prefix") != nl ? S("prefix") + nl : nl;
  }
  std::string body = deco;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, nl.size(), nl) == 0 && !nl.empty()) {
      body += nl + deco;
      i += nl.size() - 1;
    } else {
      body += text[i];
    }
  }
  std::string from = deco + nl, to = PyStrip(deco, nullptr, false, true) + nl;
  std::string fixed;
  for (size_t i = 0; i < body.size();) {
    if (!from.empty() && body.compare(i, from.size(), from) == 0) {
      fixed += to;
      i += from.size();
    } else {
      fixed += body[i++];
    }
  }
  out += fixed;
  int64_t pc = PyInt(p["postfix_count"]);
  for (int64_t i = 0; i < pc; ++i) out += nl + S("postfix");
  if (!S("end").empty()) out += nl + S("end");
  return Value(out);
}

TVal FSplit(Renderer& r, const TVal& in, CallArgs& a) {
  CallArgs copy = a;
  return r.CallValue(TVal::Obj(BoundMethod(Value(Text(in)), "split")), copy);
}

// ---- math ----

TVal FLog(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  if (!v.is_number() && !v.is_bool())
    Fail("log() can only be used on numbers: must be real number, not " +
         std::string(v.type_name()));
  double x = v.is_bool() ? PyInt(v) : v.as_number();
  if (x <= 0) Fail("math domain error");
  const TVal* b = a.Get(0, "base");
  if (!b) return Value(std::log(x));
  double base = b->val().as_number();
  if (base == 10) return Value(std::log10(x));
  return Value(std::log(x) / std::log(base));
}
TVal FPow(Renderer&, const TVal& in, CallArgs& a) {
  return Value(std::pow(in.val().as_number(), Req(a, 0, "y", "pow").as_number()));
}
TVal FRoot(Renderer&, const TVal& in, CallArgs& a) {
  double x = in.val().as_number();
  const TVal* b = a.Get(0, "base");
  double base = b ? b->val().as_number() : 2;
  if (base == 2) {
    if (x < 0) Fail("root() can only be used on numbers: math domain error");
    return Value(std::sqrt(x));
  }
  return Value(std::pow(x, 1.0 / base));
}

const std::vector<std::pair<char, int>>& SizeRanges() {
  static const std::vector<std::pair<char, int>> k = {{'Y', 80}, {'Z', 70}, {'E', 60},
                                                      {'P', 50}, {'T', 40}, {'G', 30},
                                                      {'M', 20}, {'K', 10}, {'B', 0}};
  return k;
}

TVal FHumanReadable(Renderer&, const TVal& in, CallArgs& a) {
  const Value& v = in.val();
  double size;
  if (v.is_number() || v.is_bool())
    size = v.is_bool() ? PyInt(v) : v.as_number();
  else
    Fail("human_readable() failed on bad input: '>=' not supported between instances of '" +
         std::string(v.type_name()) + "' and 'int'");
  bool isbits = BoolArg(a, 0, "isbits", false);
  const TVal* unit = a.Get(1, "unit");
  std::string base = isbits ? "bits" : "Bytes";
  char suffix = 'B';
  double limit = 1;
  for (auto& [s, sh] : SizeRanges()) {
    suffix = s;
    limit = std::ldexp(1.0, sh);
    bool no_unit = !unit || unit->val().is_null();
    if ((no_unit && size >= limit) ||
        (!no_unit && PyUpper(PyStr(unit->v)).substr(0, 1) == std::string(1, s)))
      break;
  }
  std::string suf = limit != 1 ? std::string(1, suffix) + base[0] : base;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.2f %s", size / limit, suf.c_str());
  return Value(std::string(buf));
}

TVal FHumanToBytes(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = PyStrOf(in);
  const TVal* du = a.Get(0, "default_unit");
  bool isbits = BoolArg(a, 1, "isbits", false);
  auto re = Regex::Compile(R"(^\s*(\d*\.?\d*)\s*([A-Za-z]+)?)", RegexFlags{true, false, false});
  RegexMatch m;
  if (!re->Search(s, 0, &m, true)) Fail("human_to_bytes() can't interpret following string: " + s);
  std::string num_s = m.Group(s, 1);
  if (num_s.empty() || num_s == ".")
    Fail("human_to_bytes() can't interpret following string: " + s);
  double num = std::strtod(num_s.c_str(), nullptr);
  std::string unit = m.Participated(2) ? m.Group(s, 2) : "";
  if (unit.empty() && du && !du->val().is_null()) unit = PyStr(du->v);
  if (unit.empty()) return Value(static_cast<int64_t>(std::nearbyint(num)));
  char key = static_cast<char>(toupper(unit[0]));
  int shift = -1;
  for (auto& [k, sh] : SizeRanges())
    if (k == key) shift = sh;
  if (shift < 0) Fail("human_to_bytes() can't interpret following string: " + s);
  char unit_class = isbits ? 'b' : 'B';
  std::string unit_name = isbits ? "bit" : "byte";
  if (unit.size() > 1 && PyLower(unit).find(unit_name) == std::string::npos &&
      unit[1] != unit_class)
    Fail("human_to_bytes() can't interpret following string: " + s);
  return Value(static_cast<int64_t>(std::nearbyint(num * std::ldexp(1.0, shift))));
}

// ---- random ----

TVal FRandom(Renderer&, const TVal& in, CallArgs& a) {
  const Value& end = in.val();
  const TVal* start = a.Get(0, "start");
  const TVal* step = a.Get(1, "step");
  const TVal* seed = a.Get(2, "seed");
  PyRandom rng = seed && !seed->val().is_null() ? PyRandom(seed->v) : PyRandom::FromEntropy();
  if (IsPyInt(end)) {
    int64_t s = start && start->val().truthy() ? PyInt(start->v) : 0;
    int64_t st = step && step->val().truthy() ? PyInt(step->v) : 1;
    return Value(rng.RandRange(s, PyInt(end), st));
  }
  if (end.is_list() || end.is_string() || end.is_map()) {
    if ((start && start->val().truthy()) || (step && step->val().truthy()))
      Fail("start and step can only be used with integer values");
    List l = PyIter(end);
    if (l.empty()) Fail("Cannot choose from an empty sequence");
    return l[static_cast<size_t>(rng.RandBelow(static_cast<uint64_t>(l.size())))];
  }
  Fail("random can only be used on sequences and integers");
}

TVal FShuffle(Renderer&, const TVal& in, CallArgs& a) {
  List l = PyIter(in.val());
  const TVal* seed = a.Get(0, "seed");
  PyRandom rng = seed && seed->val().truthy() ? PyRandom(seed->v) : PyRandom::FromEntropy();
  rng.Shuffle(l);
  return Value(std::move(l));
}

// ---- time ----

TVal FStrftime(Renderer&, const TVal& in, CallArgs& a) {
  std::string fmt = Text(in);
  const TVal* second = a.Get(0, "second");
  bool utc = BoolArg(a, 1, "utc", false);
  time_t t = time(nullptr);
  if (second && !second->val().is_null()) {
    const Value& s = second->v;
    double d;
    if (s.is_string()) {
      char* e = nullptr;
      d = std::strtod(s.as_string().c_str(), &e);
      if (e == s.as_string().c_str()) Fail("Invalid value for epoch value (" + s.as_string() + ")");
    } else {
      d = s.as_number();
    }
    t = static_cast<time_t>(std::floor(d));
  }
  struct tm tmv;
  if (utc)
    gmtime_r(&t, &tmv);
  else
    localtime_r(&t, &tmv);
  char buf[1024];
  size_t n = strftime(buf, sizeof buf, fmt.c_str(), &tmv);
  return Value(std::string(buf, n));
}

TVal FToDatetime(Renderer&, const TVal& in, CallArgs& a) {
  std::string s = Text(in);
  std::string fmt = StrArg(a, 0, "format", "%Y-%m-%d %H:%M:%S");
  struct tm tmv = {};
  const char* end = strptime(s.c_str(), fmt.c_str(), &tmv);
  if (!end || *end)
    Fail("time data " + PyRepr(Value(s)) + " does not match format " + PyRepr(Value(fmt)));
  return MakeDateTime(tmv);
}

TVal FToUuid(Renderer&, const TVal& in, CallArgs& a) {
  return Value(Uuid5(StrArg(a, 0, "namespace", "361E6D51-FAEC-444A-9079-341386DA8E2E"), Text(in)));
}

TVal FVersionCompareFilter(Renderer& r, const TVal& in, CallArgs& a) {
  return Value(r.ApplyTest("version", in, a));
}

TVal FUrlsplit(Renderer&, const TVal& in, CallArgs& a) {
  Map parts = UrlSplit(Text(in));
  const TVal* q = a.Get(0, "query");
  if (q && !q->val().is_null() && !PyStr(q->v).empty()) {
    std::string k = PyStr(q->v);
    const Value* f = parts.find(k);
    if (!f) Fail("urlsplit: unknown URL component: " + k);
    return *f;
  }
  return Value(std::move(parts));
}

TVal FUrldecode(Renderer&, const TVal& in, CallArgs&) {
  std::string s = Text(in);
  std::string o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      o += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      o += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      o += s[i];
    }
  }
  return Value(o);
}

}  // namespace

void RegisterAnsibleFilters(FilterTable& t) {
  t["to_json"] = FToJson;
  t["to_nice_json"] = FToNiceJson;
  t["from_json"] = FFromJson;
  t["to_yaml"] = FToYaml;
  t["to_nice_yaml"] = FToNiceYaml;
  t["from_yaml"] = FFromYaml;
  t["b64encode"] = FB64Encode;
  t["b64decode"] = FB64Decode;
  t["hash"] = FHash;
  t["sha1"] = t["checksum"] = FSha1;
  t["md5"] = FMd5;
  t["password_hash"] = FPasswordHash;
  t["regex_replace"] = FRegexReplace;
  t["regex_findall"] = FRegexFindall;
  t["regex_search"] = FRegexSearch;
  t["regex_escape"] = FRegexEscape;
  t["basename"] = FBasename;
  t["dirname"] = FDirname;
  t["expanduser"] = FExpanduser;
  t["realpath"] = FRealpath;
  t["relpath"] = FRelpath;
  t["splitext"] = FSplitext;
  t["path_join"] = FPathJoin;
  t["win_basename"] = FWinBasename;
  t["win_dirname"] = FWinDirname;
  t["bool"] = FBool;
  t["ternary"] = FTernary;
  t["mandatory"] = FMandatory;
  t["type_debug"] = FTypeDebug;
  t["combine"] = FCombine;
  t["dict2items"] = FDict2Items;
  t["items2dict"] = FItems2Dict;
  t["flatten"] = FFlatten;
  t["zip"] = FZip;
  t["zip_longest"] = FZipLongest;
  t["product"] = FProduct;
  t["combinations"] = FCombinations;
  t["permutations"] = FPermutations;
  t["intersect"] = FIntersect;
  t["difference"] = FDifference;
  t["union"] = FUnion;
  t["symmetric_difference"] = FSymmetricDifference;
  t["extract"] = FExtract;
  t["subelements"] = FSubelements;
  t["rekey_on_member"] = FRekeyOnMember;
  t["quote"] = FQuote;
  t["comment"] = FComment;
  t["split"] = FSplit;
  t["log"] = FLog;
  t["pow"] = FPow;
  t["root"] = FRoot;
  t["human_readable"] = FHumanReadable;
  t["human_to_bytes"] = FHumanToBytes;
  t["random"] = FRandom;
  t["shuffle"] = FShuffle;
  t["strftime"] = FStrftime;
  t["to_datetime"] = FToDatetime;
  t["to_uuid"] = FToUuid;
  t["version_compare"] = FVersionCompareFilter;
  t["urlsplit"] = FUrlsplit;
  t["urldecode"] = FUrldecode;
}

}  // namespace drover::tmpl
